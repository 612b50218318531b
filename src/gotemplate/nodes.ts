// The parse tree (Go's text/template/parse/node.go). `pos` is the index in the template
// source where Go's Node.Position() points; nodeString is Node.String(), which Go's error
// messages quote as the context ("at <...>").
import { quote } from './fmt/quote.js';
import type { NumberValue } from './number.js';

export interface ListNode {
  readonly type: 'list';
  readonly pos: number;
  readonly nodes: Node[];
}

export interface TextNode {
  readonly type: 'text';
  readonly pos: number;
  readonly text: string;
}

export interface ActionNode {
  readonly type: 'action';
  readonly pos: number;
  /** Where the action's left delimiter starts: output of the action maps back to it. */
  readonly delimPos: number;
  readonly pipe: PipeNode;
}

export interface PipeNode {
  readonly type: 'pipe';
  readonly pos: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}

export interface CommandNode {
  readonly type: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}

export interface IdentifierNode {
  readonly type: 'identifier';
  readonly pos: number;
  readonly ident: string;
}

/** $x or $x.a.b: ident[0] is the variable, the rest are fields. */
export interface VariableNode {
  readonly type: 'variable';
  readonly pos: number;
  readonly ident: readonly string[];
  /** Source index of each ident (for fields: the index of its name, after the dot). */
  readonly identPos: readonly number[];
}

export interface DotNode {
  readonly type: 'dot';
  readonly pos: number;
}

export interface NilNode {
  readonly type: 'nil';
  readonly pos: number;
}

/** .a.b.c */
export interface FieldNode {
  readonly type: 'field';
  readonly pos: number;
  readonly ident: readonly string[];
  readonly identPos: readonly number[];
}

/** (pipeline).a.b or fn.a.b */
export interface ChainNode {
  readonly type: 'chain';
  readonly pos: number;
  readonly node: ArgNode;
  readonly field: readonly string[];
  readonly fieldPos: readonly number[];
}

export interface BoolNode {
  readonly type: 'bool';
  readonly pos: number;
  readonly value: boolean;
}

export interface NumberNode extends NumberValue {
  readonly type: 'number';
  readonly pos: number;
  /** The constant as written. */
  readonly text: string;
}

export interface StringNode {
  readonly type: 'string';
  readonly pos: number;
  /** The string as written, with quotes. */
  readonly quoted: string;
  readonly text: string;
}

export interface EndNode {
  readonly type: 'end';
  readonly pos: number;
}

export interface ElseNode {
  readonly type: 'else';
  readonly pos: number;
}

export interface BranchNode {
  readonly type: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}

export interface BreakNode {
  readonly type: 'break';
  readonly pos: number;
}

export interface ContinueNode {
  readonly type: 'continue';
  readonly pos: number;
}

export interface TemplateNode {
  readonly type: 'template';
  readonly pos: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}

/** What a command's arguments can be. */
export type ArgNode =
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | CommandNode
  | ArgNode
  | EndNode
  | ElseNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode;

export function nodeString(n: Node): string {
  switch (n.type) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      const decl = n.decl.length > 0 ? n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ') : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((id) => '.' + id).join('');
    case 'chain': {
      const head = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.field.map((f) => '.' + f).join('');
    }
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'if':
    case 'range':
    case 'with': {
      const elsePart = n.elseList ? '{{else}}' + nodeString(n.elseList) : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
    }
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'template':
      return `{{template ${quote(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
  }
}

/** Only characters Go's unicode.IsSpace accepts (JS's \s differs on U+0085 and U+FEFF). */
const GO_SPACE_ONLY = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** parse.IsEmptyTree: a tree with only space text (and comments) can be redefined. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  if (n.type === 'list') return n.nodes.every(isEmptyTree);
  if (n.type === 'text') return GO_SPACE_ONLY.test(n.text);
  return false;
}
