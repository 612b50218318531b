// The evaluator, a port of Go's text/template/exec.go: walks the parse tree with dot and
// the variable stack, evaluates pipelines with Go's argument checking and conversions,
// and reports errors exactly as Go words them.
import { BUILTINS, Builtin, callFunction, isTrue, truth, type Callable } from './builtins.js';
import { GoComplex } from './complex.js';
import { sprint, sprintf } from './fmt/print.js';
import { quote } from './fmt/quote.js';
import { compareGoStrings } from './fmt/runes.js';
import { intOf, isIntType, isUintType, kindOf, makeInt } from './kind.js';
import {
  nodeString,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from './nodes.js';
import type { Output } from './output.js';
import type { Tree } from './parser.js';
import type { SourceText } from './source-text.js';
import { assignable, box, Boxed, canBeNil, isInterfaceType, REFLECT_VALUE, unbox, valueType, zeroValue, type Val } from './types.js';
import { GoFunc, GoFuncError, GoMap, GoNumber, GoSlice, isStruct, typeOf, type GoType, type GoValue } from './value.js';

/** An execution failure: Go's message, the part after the location, and where. */
export class ExecError extends Error {
  constructor(
    readonly goMessage: string,
    message: string,
    /** Source index of the node being evaluated, or null when there is none. */
    readonly pos: number | null,
  ) {
    super(message);
  }
}

export interface MissingKeyHit {
  readonly key: string;
  readonly pos: number;
  /** The action printed the missing value: "<no value>" is in the output. */
  printed: boolean;
}

export interface ExecContext {
  readonly source: SourceText;
  /** The top-level template's name, which Go's locations use for every template. */
  readonly parseName: string;
  readonly trees: ReadonlyMap<string, Tree>;
  readonly funcs: ReadonlyMap<string, GoFunc>;
  readonly out: Output;
  readonly missingKeys: MissingKeyHit[];
  /** The {{template}} calls being executed, outermost first, for the depth limit. */
  readonly frames: Frame[];
}

const MAX_EXEC_DEPTH = 100000;

/** The "no final argument" marker: Go's missingVal. */
const MISSING = Symbol('missing');
type Final = Val | typeof MISSING;

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

interface Variable {
  readonly name: string;
  value: Val;
}

/** One {{template}} call: the template making it and the call node. */
export interface Frame {
  readonly tmpl: string;
  readonly node: TemplateNode;
}

/** Executes the template `name` with data as dot. */
export function execute(ctx: ExecContext, name: string, data: GoValue): void {
  const tree = ctx.trees.get(name);
  const s: State = new State(ctx, name, 0, [{ name: '$', value: data }]);
  if (tree === undefined) s.errorf('%q is an incomplete or empty template', name);
  s.walk(data, tree.root);
}

class State {
  private node: Node | null = null;

  constructor(
    private readonly ctx: ExecContext,
    private readonly tmpl: string,
    private readonly depth: number,
    private readonly vars: Variable[],
  ) {}

  // --- variables ---

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf('undefined variable: %s', name);
  }

  private setTopVar(n: number, value: Val): void {
    this.vars[this.vars.length - n]!.value = value;
  }

  private varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v.value;
    }
    this.errorf('undefined variable: %s', name);
  }

  // --- errors ---

  private at(node: Node): void {
    this.node = node;
  }

  /** Fails with Go's message: format and args as in Go's s.errorf. */
  errorf(format: string, ...args: GoValue[]): never {
    const name = doublePercent(this.tmpl);
    if (this.node === null) {
      const body = sprintf(format, args);
      throw new ExecError(sprintf(`template: ${name}: ${format}`, args), body, null);
    }
    const location = `${this.ctx.parseName}:${this.ctx.source.goLineCol(this.node.pos)}`;
    const head = `executing ${quote(name)} at <${doublePercent(nodeString(this.node))}>: `;
    const goMessage = sprintf(`template: ${location}: ${head}${format}`, args);
    throw new ExecError(goMessage, sprintf(head + format, args), this.node.pos);
  }

  // --- walking ---

  walk(dot: Val, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        // Do not pop variables so they persist until next end.
        // Also, if the action declares variables, don't print the result.
        const before = this.ctx.missingKeys.length;
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length > 0) return;
        // A missing key that reaches the output prints "<no value>": the one worth a warning
        // (`or .x "default"` reads a missing key too, on purpose).
        if (unbox(val) === undefined) this.ctx.missingKeys.slice(before).forEach((hit) => (hit.printed = true));
        this.printValue(node, val, node.delimPos);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'if':
      case 'with':
        return this.walkIfOrWith(node, dot);
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.ctx.out.write(node.text, node.pos, true);
        return;
    }
    this.errorf('unknown node: %s', nodeString(node));
  }

  private walkIfOrWith(node: BranchNode, dot: Val): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(unbox(val))) this.walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: Val, r: BranchNode): void {
    this.at(r);
    const mark0 = this.mark();
    try {
      const val = unbox(this.evalPipeline(dot, r.pipe));
      // mark top of stack before any variables in the body are pushed.
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: Val, elem: Val): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          // Set top var (lexically the second if there are two) to the element.
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          // Set next var (lexically the first if there are two) to the index.
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      if (this.rangeOver(val, decl.length, oneIteration)) return;
      if (r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.pop(mark0);
    }
  }

  /** Runs the iterations; false when there were none (so else runs). */
  private rangeOver(val: GoValue, nvars: number, iter: (index: Val, elem: Val) => void): boolean {
    switch (kindOf(val)) {
      case 'int':
      case 'uint': {
        if (nvars > 1) this.errorf("can't use %v to iterate over more than one variable", val);
        const n = intOf(val);
        const type = typeOf(val);
        for (let i = 0n; i < n; i++) iter(undefined, type === 'int' ? i : makeInt(type, i));
        return n > 0n;
      }
      case 'slice': {
        const s = val as GoSlice;
        s.items.forEach((item, i) => iter(BigInt(i), box(s.elem, item)));
        return s.items.length > 0;
      }
      case 'map': {
        const m = val as GoMap;
        const keys = [...m.entries.keys()].sort(compareGoStrings);
        for (const k of keys) iter(k, box(m.elem, m.entries.get(k)));
        return keys.length > 0;
      }
      case 'invalid':
        return false; // An invalid value is likely a nil map, etc. and acts like an empty map.
    }
    this.errorf("range can't iterate over %v", val);
  }

  private walkTemplate(dot: Val, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.ctx.trees.get(t.name);
    if (tmpl === undefined) this.errorf('template %q not defined', t.name);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf('exceeded maximum template depth (%v)', BigInt(MAX_EXEC_DEPTH));
    // Variables declared by the pipeline persist.
    const newDot = this.evalPipeline(dot, t.pipe);
    const frames = this.ctx.frames;
    frames.push({ tmpl: this.tmpl, node: t });
    const inner = new State(this.ctx, t.name, this.depth + 1, [{ name: '$', value: newDot }]);
    try {
      inner.walk(newDot, tmpl.root);
    } catch (e) {
      if (!isStackOverflow(e)) throw e;
      this.depthExceeded(frames);
    } finally {
      frames.pop();
    }
  }

  /**
   * JS runs out of stack long before Go's depth limit of 100000 nested templates. A
   * recursion that deep repeats itself, so extrapolate the cycle of invocations to the
   * one Go stops at and report what Go reports there.
   */
  private depthExceeded(frames: readonly Frame[]): never {
    const d = frames.length - 1;
    let period = 1;
    for (let p = 1; p <= Math.floor(frames.length / 2); p++) {
      let ok = true;
      for (let k = 0; k < Math.min(frames.length - p, 4 * p) && ok; k++) ok = sameFrame(frames[d - k], frames[d - k - p]);
      if (ok) {
        period = p;
        break;
      }
    }
    const base = d - period + 1;
    const f = frames[base + ((MAX_EXEC_DEPTH - base) % period)]!;
    const s: State = new State(this.ctx, f.tmpl, MAX_EXEC_DEPTH, []);
    s.at(f.node);
    s.errorf('exceeded maximum template depth (%v)', BigInt(MAX_EXEC_DEPTH));
  }

  // --- pipelines and commands ---

  private evalPipeline(dot: Val, pipe: PipeNode | null): Val {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      // previous value is this one's final arg.
      const v: Val = this.evalCommand(dot, cmd, value);
      // If the object has type interface{}, dig down one level to the thing inside.
      value = unbox(v);
    }
    const result = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, result);
      else this.vars.push({ name: variable.ident[0]!, value: result });
    }
    return result;
  }

  private notAFunction(args: readonly ArgNode[] | null, final: Final): void {
    if ((args !== null && args.length > 1) || final !== MISSING) {
      this.errorf("can't give argument to non-function %s", args?.[0] ? nodeString(args[0]) : '');
    }
  }

  private evalCommand(dot: Val, cmd: CommandNode, final: Final): Val {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        // Must be a function.
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        // Parenthesized pipeline. The arguments are all inside the pipeline; final must be absent.
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  /** An untyped numeric constant where any type will do: int if it can be, else float64. */
  private idealConstant(constant: NumberNode): Val {
    this.at(constant);
    const text = constant.text;
    if (constant.isComplex) return new GoComplex(constant.complex.re, constant.complex.im);
    const isHexInt = text.length > 2 && text[0] === '0' && (text[1] === 'x' || text[1] === 'X') && !/[pP]/.test(text);
    const isRuneInt = text[0] === "'";
    if (constant.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(text)) return constant.float64;
    if (constant.isInt) return constant.int64;
    if (constant.isUint) this.errorf('%s overflows int', text);
    return undefined;
  }

  private evalFieldNode(dot: Val, field: FieldNode, args: readonly ArgNode[] | null, final: Final): Val {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, field.identPos, args, final);
  }

  private evalChainNode(dot: Val, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): Val {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf('indirection through explicit nil in %s', nodeString(chain));
    // (pipe).Field1.Field2 has pipe as .Node, fields as .Field. Eval the pipeline, then the fields.
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, chain.fieldPos, args, final);
  }

  private evalVariableNode(dot: Val, variable: VariableNode, args: readonly ArgNode[] | null, final: Final): Val {
    // $x.Field has $x as the first ident, Field as the second. Eval the var, then the fields.
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), variable.identPos.slice(1), args, final);
  }

  /**
   * Evaluates .X.Y.Z possibly followed by arguments. dot is the environment in which to
   * evaluate arguments, while receiver is the value being walked along the chain.
   */
  private evalFieldChain(
    dot: Val,
    receiver: Val,
    node: Node,
    ident: readonly string[],
    identPos: readonly number[],
    args: readonly ArgNode[] | null,
    final: Final,
  ): Val {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, identPos[i]!, node, null, MISSING, receiver);
    // Now if it's a method, it gets the arguments.
    return this.evalField(dot, ident[n - 1]!, identPos[n - 1]!, node, args, final, receiver);
  }

  private evalFunction(dot: Val, node: IdentifierNode, cmd: Node, args: readonly ArgNode[] | null, final: Final): Val {
    this.at(node);
    const name = node.ident;
    const user = this.ctx.funcs.get(name);
    const fn = user ?? BUILTINS.get(name);
    if (fn === undefined) this.errorf('%q is not a defined function', name);
    return this.evalCall(dot, fn, user === undefined, cmd, name, args, final);
  }

  /**
   * Evaluates a field reference: a method of a struct, a field of a struct, or the value
   * of a map key. A missing key is recorded and yields the invalid value.
   */
  private evalField(
    dot: Val,
    fieldName: string,
    namePos: number,
    node: Node,
    args: readonly ArgNode[] | null,
    final: Final,
    receiver0: Val,
  ): Val {
    if (receiver0 === undefined) return undefined;
    const typ = valueType(receiver0);
    if (receiver0 === null) this.errorf('nil pointer evaluating %s.%s', typ, fieldName);
    const receiver = unbox(receiver0);
    // Unless it's an interface, need to get to a value of type *T to guarantee we see all methods of both T and *T.
    if (isStruct(receiver)) {
      const method = receiver.method(fieldName);
      if (method) return this.evalCall(dot, method, false, node, fieldName, args, final);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    // It's not a method; must be a field of a struct or an element of a map.
    if (isStruct(receiver)) {
      const field = receiver.field(fieldName);
      if (field !== undefined) {
        if (hasArgs) this.errorf('%s has arguments but cannot be invoked as function', fieldName);
        return field;
      }
    } else if (receiver instanceof GoMap) {
      // If it's a map, attempt to use the field name as a key.
      if (hasArgs) this.errorf('%s is not a method but has arguments', fieldName);
      if (!receiver.entries.has(fieldName)) {
        this.ctx.missingKeys.push({ key: fieldName, pos: namePos, printed: false });
        return undefined;
      }
      return box(receiver.elem, receiver.entries.get(fieldName));
    }
    this.errorf("can't evaluate field %s in type %s", fieldName, typ);
  }

  private evalCall(
    dot: Val,
    fn: Callable,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args0: readonly ArgNode[] | null,
    final: Final,
  ): Val {
    // Zeroth arg is function name/node; not passed to function.
    const args = args0 === null ? [] : args0.slice(1);
    const params = fn.params;
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic) {
      numFixed = params.length - 1; // last arg is the variadic one.
      if (numIn < numFixed) {
        this.errorf('wrong number of args for %s: want at least %d got %d', name, BigInt(params.length - 1), BigInt(args.length));
      }
    } else if (numIn !== params.length) {
      this.errorf('wrong number of args for %s: want %d got %d', name, BigInt(params.length), BigInt(numIn));
    }

    // Special case for builtin and/or, which short-circuit.
    if (isBuiltin && (name === 'and' || name === 'or')) {
      const argType = params[0]!;
      let v: Val = undefined;
      for (const arg of args) {
        v = this.evalArg(dot, argType, arg);
        if (truth(v) === (name === 'or')) {
          // This value was already unwrapped by the .Interface().(reflect.Value).
          return v;
        }
      }
      if (final !== MISSING) v = this.validateType(final, argType);
      return v;
    }

    // Build the arg list.
    const argv: Val[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, params[i]!, args[i]!));
    // Now the ... args.
    if (fn.variadic) {
      const argType = params[params.length - 1]!;
      for (; i < args.length; i++) argv.push(this.evalArg(dot, argType, args[i]!));
    }
    // Add final value if necessary.
    if (final !== MISSING) {
      let t = params[params.length - 1]!;
      if (fn.variadic && numIn - 1 < numFixed) t = params[numIn - 1]!;
      argv.push(this.validateType(final, t));
    }

    try {
      if (isBuiltin && name === 'call') {
        const calleeName = args.length === 0 ? callee(final) : nodeString(args[0]!);
        const [f, ...rest] = argv;
        return callFunction(calleeName, f, rest, (g, a) => invokeGo(g, a));
      }
      if (fn instanceof Builtin) return fn.fn(...argv);
      // Go passes interface arguments as they are: a nil interface stays nil.
      return invokeGo(fn, argv.map((a) => (a instanceof Boxed ? a.inner : a)));
    } catch (e) {
      if (isStackOverflow(e) || e instanceof ExecError) throw e;
      this.at(node);
      this.errorf('error calling %s: %s', name, panicMessage(e));
    }
  }

  /** Go's reflect conversion of an argument to a parameter type, with its errors. */
  private validateType(value: Val, typ: GoType | null): Val {
    if (value === undefined) {
      if (typ === null) return undefined; // An untyped nil interface{}. Accept as a proper nil value.
      if (canBeNil(typ)) return zeroValue(typ); // Like above, but use the zero value of the non-nil type.
      this.errorf('invalid value; expected %s', typ);
    }
    if (typ === REFLECT_VALUE) return value;
    if (typ !== null && !assignable(valueType(value), typ)) {
      // A non-nil interface holding an assignable value is unwrapped.
      if (value instanceof Boxed && assignable(typeOf(value.inner), typ)) return value.inner;
      const got = value instanceof Boxed ? typeOf(value.inner) : valueType(value);
      this.errorf('wrong type for value; expected %s; got %s', typ, got);
    }
    return value;
  }

  private evalArg(dot: Val, typ: GoType | null, n: ArgNode): Val {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ !== null && canBeNil(typ)) return zeroValue(typ);
        this.errorf('cannot assign nil to %s', typ ?? '<nil>');
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    const t = typ ?? '';
    if (t === 'bool') {
      if (n.type === 'bool') return n.value;
      this.errorf('expected bool; found %s', nodeString(n));
    }
    if (t === 'complex128' || t === 'complex64') {
      if (n.type === 'number' && n.isComplex) return new GoComplex(n.complex.re, n.complex.im);
      this.errorf('expected complex; found %s', nodeString(n));
    }
    if (t === 'float64' || t === 'float32') {
      if (n.type === 'number' && n.isFloat) return t === 'float64' ? n.float64 : new GoNumber('float32', Math.fround(n.float64));
      this.errorf('expected float; found %s', nodeString(n));
    }
    if (isIntType(t)) {
      if (n.type === 'number' && n.isInt) return makeInt(t, n.int64);
      this.errorf('expected integer; found %s', nodeString(n));
    }
    if (isInterfaceType(t) || t === REFLECT_VALUE) return this.evalEmptyInterface(n);
    if (t === 'string') {
      if (n.type === 'string') return n.text;
      this.errorf('expected string; found %s', nodeString(n));
    }
    if (isUintType(t)) {
      if (n.type === 'number' && n.isUint) return makeInt(t, n.uint64);
      this.errorf('expected unsigned integer; found %s', nodeString(n));
    }
    this.errorf("can't handle %s for arg of type %s", nodeString(n), t);
  }

  /** A constant passed where any type will do; other nodes were evaluated by evalArg. */
  private evalEmptyInterface(n: ArgNode): Val {
    this.at(n);
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    this.errorf("can't handle assignment of %s to empty interface argument", nodeString(n));
  }

  private printValue(n: Node, v: Val, outPos: number): void {
    this.at(n);
    const value = unbox(v);
    if (value instanceof GoFunc) this.errorf("can't print %s of type %s", nodeString(n), value.type);
    this.ctx.out.write(value === undefined ? '<no value>' : sprint([value]), outPos, false);
  }
}

/** Calls a GoFunc as reflect.Call would, boxing an interface result. */
function invokeGo(fn: GoFunc, args: GoValue[]): Val {
  const result = fn.fn(...args);
  return box(fn.result, result === undefined && isInterfaceType(fn.result) ? null : result);
}

/** The name call reports for a callee that arrived as the pipeline's final value: Go's
 * reflect.Value.String(), the string itself or "<T Value>". */
function callee(final: Final): string {
  if (final === MISSING) return '';
  const v = unbox(final);
  if (typeof v === 'string') return v;
  return v === undefined ? '<invalid Value>' : `<${typeOf(v)} Value>`;
}

/** What Go's safeCall makes of an error result or a recovered panic. */
function panicMessage(e: unknown): string {
  if (e instanceof GoFuncError) return e.message;
  if (e instanceof Error) return e.message;
  return sprint([String(e)]);
}

/** Whether JS ran out of stack (V8 may report it as another Error while handling one). */
function isStackOverflow(e: unknown): boolean {
  return e instanceof Error && e.message.includes('Maximum call stack size exceeded');
}

function sameFrame(a: Frame | undefined, b: Frame | undefined): boolean {
  return a !== undefined && b !== undefined && a.tmpl === b.tmpl && a.node === b.node;
}

function doublePercent(s: string): string {
  return s.replaceAll('%', '%%');
}
