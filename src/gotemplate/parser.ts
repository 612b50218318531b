// The template parser, a port of Go's text/template/parse/parse.go: builds one tree per
// template (the main one plus each define/block) from the lexer's items, with Go's
// lookahead, variable scoping and error messages.
import { sprintf } from './fmt/print.js';
import { SyntaxError as QuoteSyntaxError, unquote } from './fmt/quote.js';
import { Lexer, itemString, type Item, type ItemType } from './lexer.js';
import {
  isEmptyTree,
  nodeString,
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type ElseNode,
  type EndNode,
  type ListNode,
  type Node,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from './nodes.js';
import { parseNumber } from './number.js';
import type { GoValue } from './value.js';

export interface Tree {
  readonly name: string;
  readonly root: ListNode;
}

/**
 * A parse failure. Go formats it as fmt.Errorf("template: NAME:LINE: " + format, args...),
 * so the format and its operands are kept apart, as Go keeps them.
 */
export class ParseError extends Error {
  constructor(
    readonly format: string,
    readonly args: readonly GoValue[],
    readonly line: number,
    /** Source index of the item the parser was looking at. */
    readonly pos: number,
  ) {
    super(sprintf(format, args));
  }
}

/** Parses a template; the result maps each template name to its tree. */
export function parse(text: string, name: string, hasFunction: (name: string) => boolean): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const lex = new Lexer(text, { breakOK: !hasFunction('break'), continueOK: !hasFunction('continue') });
  const t = new TreeParser(name, lex, treeSet, hasFunction);
  t.parse();
  t.add();
  return treeSet;
}

class TreeParser {
  root: ListNode | null = null;
  private readonly token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(
    private name: string,
    private readonly lex: Lexer,
    private readonly treeSet: Map<string, Tree>,
    private readonly hasFunction: (name: string) => boolean,
  ) {}

  // --- lookahead ---

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.typ === 'space');
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // --- errors ---

  private errorf(format: string, ...args: GoValue[]): never {
    this.root = null;
    const t = this.token[0];
    throw new ParseError(format, args, t?.line ?? 1, t?.pos ?? 0);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(expected1: ItemType, expected2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected1 && token.typ !== expected2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        // avoid "action in action"
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf('%s%s', itemString(token), extra);
    }
    this.errorf('unexpected %s in %s', itemString(token), context);
  }

  /** The name errors are reported under: the top-level template's. */
  private get parseName(): string {
    return this.topName ?? this.name;
  }

  private topName: string | undefined;

  private unquoteOrFail(s: string): string {
    try {
      return unquote(s);
    } catch (e) {
      if (e instanceof QuoteSyntaxError) this.errorf('%s', e.message);
      throw e;
    }
  }

  // --- trees ---

  add(): void {
    const tree = this.treeSet.get(this.name);
    const root = this.root ?? { type: 'list', pos: 0, nodes: [] };
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, { name: this.name, root });
      return;
    }
    if (!isEmptyTree(root)) this.errorf('template: multiple definition of template %q', this.name);
  }

  private subParser(name: string): TreeParser {
    const p = new TreeParser(name, this.lex, this.treeSet, this.hasFunction);
    p.topName = this.parseName;
    return p;
  }

  parse(): void {
    this.root = newList(this.peek().pos);
    while (this.peek().typ !== 'EOF') {
      if (this.peek().typ === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().typ === 'define') {
          const newT = this.subParser('definition'); // name will be updated once we know it.
          newT.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf('unexpected %s', nodeString(n));
      this.root.nodes.push(n);
    }
  }

  /** {{define "name"}} ... {{end}}: the define keyword has been read. */
  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf('string', 'rawString', context);
    this.name = this.unquoteOrFail(name.val);
    this.expect('rightDelim', context);
    const [root, end] = this.itemList();
    this.root = root;
    if (end.type !== 'end') this.errorf('unexpected %s in %s', nodeString(end), context);
    this.add();
  }

  /** textOrAction* up to {{end}} or {{else}}, which is returned separately. */
  private itemList(): [ListNode, EndNode | ElseNode] {
    const list = newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== 'EOF') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'text':
        return { type: 'text', pos: token.pos, text: token.val };
      case 'leftDelim': {
        this.actionLine = token.line;
        try {
          return this.action(token.pos);
        } finally {
          this.actionLine = 0;
        }
      }
    }
    this.unexpected(token, 'input');
  }

  private action(delimPos: number): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'block':
        return this.blockControl();
      case 'break':
        return this.breakControl(token.pos);
      case 'continue':
        return this.continueControl(token.pos);
      case 'else':
        return this.elseControl();
      case 'end':
        return this.endControl();
      case 'if':
        return this.branch('if');
      case 'range':
        return this.branch('range');
      case 'template':
        return this.templateControl();
      case 'with':
        return this.branch('with');
    }
    this.backup();
    const first = this.peek();
    return { type: 'action', pos: first.pos, delimPos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private breakControl(pos: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== 'rightDelim') this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: 'break', pos };
  }

  private continueControl(pos: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== 'rightDelim') this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: 'continue', pos };
  }

  /** A pipeline, up to `end` (a right delimiter or paren), with its declarations. */
  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: token.pos, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== 'variable') break;
      this.next();
      // Since space is a token, we need 3-token look-ahead here in the worst case:
      // in "$x foo" we need to read "foo" (as opposed to ":=") to know that $x is an
      // argument variable rather than a declaration. So remember the token
      // adjacent to the variable so we can push it back if necessary.
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.typ === 'assign' || next.typ === 'declare') {
        pipe.isAssign = next.typ === 'assign';
        this.nextNonSpace();
        pipe.decl.push(newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.typ === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().typ;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue decls; // second initialized variable in a range pipeline
          this.errorf('range can only initialize variables');
        }
        this.errorf('too many declarations in %s', context);
      } else if (tokenAfterVariable.typ === 'space') this.backup3(v, tokenAfterVariable);
      else this.backup2(v);
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          // At this point, the pipeline is complete
          this.checkPipeline(pipe, context);
          return pipe;
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    // Reject empty pipelines
    if (pipe.cmds.length === 0) this.errorf('missing value for %s', context);
    // Only the first command of a pipeline can start with a non executable operand
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]?.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf('non executable command in pipeline stage %d', BigInt(i + 2));
      }
    });
  }

  /** if/range/with: pipeline, list, optional else (or else if / else with), end. */
  private branch(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        // Special case for "else if" and "else with": treat as if the else held a single
        // if/with that closes with the outer end.
        if ((context === 'if' && this.peek().typ === 'if') || (context === 'with' && this.peek().typ === 'with')) {
          this.next();
          elseList = newList(next.pos);
          elseList.nodes.push(this.branch(context));
        } else {
          const [l, end] = this.itemList();
          elseList = l;
          if (end.type !== 'end') this.errorf('expected end; found %s', nodeString(end));
        }
      }
      return { type: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private endControl(): EndNode {
    return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    // The "{{else if ... " and "{{else with ..." will be treated as "{{else}}{{if ..."
    // and "{{else}}{{with ...", so return the else node here.
    if (peek.typ === 'if' || peek.typ === 'with') return { type: 'else', pos: peek.pos };
    const token = this.expect('rightDelim', 'else');
    return { type: 'else', pos: token.pos };
  }

  /** {{block "name" pipeline}} body {{end}}: defines the template and calls it. */
  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const block = this.subParser(name);
    const [root, end] = block.itemList();
    block.root = root;
    if (end.type !== 'end') this.errorf('unexpected %s in %s', nodeString(end), context);
    block.add();
    return { type: 'template', pos: token.pos, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== 'rightDelim') {
      this.backup();
      // Do not pop variables; they persist until "end".
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: token.pos, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === 'string' || token.typ === 'rawString') return this.unquoteOrFail(token.val);
    this.unexpected(token, context);
  }

  /** A space-separated list of operands up to a pipe, closing paren or delimiter. */
  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace(); // skip leading spaces.
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === 'space') continue;
      if (token.typ === 'rightDelim' || token.typ === 'rightParen') this.backup();
      else if (token.typ !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  /** A term possibly followed by field accesses: .a.b, $x.a, (pipe).a, fn.a. */
  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().typ !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    const fieldPos: number[] = [];
    while (this.peek().typ === 'field') {
      const f = this.next();
      fields.push(f.val.slice(1));
      fieldPos.push(f.pos + 1);
    }
    // Compatibility with original API: If the term is of type NodeField or NodeVariable,
    // just put more fields on the original. Otherwise, keep the Chain node.
    switch (node.type) {
      case 'field':
        return {
          type: 'field',
          pos: chainPos,
          ident: [...node.ident, ...fields],
          identPos: [...node.identPos, ...fieldPos],
        };
      case 'variable':
        return {
          type: 'variable',
          pos: chainPos,
          ident: [...node.ident, ...fields],
          identPos: [...node.identPos, ...fieldPos],
        };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf('unexpected . after term %q', nodeString(node));
    }
    return { type: 'chain', pos: chainPos, node, field: fields, fieldPos };
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'identifier':
        if (!this.hasFunction(token.val)) this.errorf('function %q not defined', token.val);
        return { type: 'identifier', pos: token.pos, ident: token.val };
      case 'dot':
        return { type: 'dot', pos: token.pos };
      case 'nil':
        return { type: 'nil', pos: token.pos };
      case 'variable':
        return this.useVar(token.pos, token.val);
      case 'field':
        return { type: 'field', pos: token.pos, ident: [token.val.slice(1)], identPos: [token.pos + 1] };
      case 'bool':
        return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        try {
          return { type: 'number', pos: token.pos, text: token.val, ...parseNumber(token.val, token.typ) };
        } catch (e) {
          if (e instanceof Error) this.errorf('%s', e.message);
          throw e;
        }
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { type: 'string', pos: token.pos, quoted: token.val, text: this.unquoteOrFail(token.val) };
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf('undefined variable %q', v.ident[0]!);
    return v;
  }
}

function newList(pos: number): ListNode {
  return { type: 'list', pos, nodes: [] };
}

function newVariable(pos: number, ident: string): VariableNode {
  const parts = ident.split('.');
  const identPos: number[] = [];
  let at = pos;
  for (const p of parts) {
    identPos.push(at);
    at += p.length + 1;
  }
  return { type: 'variable', pos, ident: parts, identPos };
}
