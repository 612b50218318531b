// Go's text/template in TypeScript, as debos uses it to render recipes: parse with the
// given functions on top of the builtins, execute with the data, and keep what a caller
// needs to explain the result (missing keys, a map from output back to source). This file
// is the library's one entry; it imports nothing outside its folder (see README.md).
import { BUILTINS } from './builtins.js';
import { execute, ExecError, type MissingKeyHit } from './exec.js';
import { sprintf } from './fmt/print.js';
import { Output } from './output.js';
import { parse, ParseError } from './parser.js';
import { SourceText } from './source-text.js';
import type { GoFunc, GoValue } from './value.js';

export { recipeFuncs } from './funcs/index.js';
export { templateData, type GoFunc, type GoValue } from './value.js';

/** A place in the template source, 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface RenderOptions {
  /** The template's name: debos names it after the recipe file's basename. */
  readonly name: string;
  /** The path shown in error messages and positions. */
  readonly file: string;
  /** The data `.` refers to: the -t variables as a map[string]string (see templateData). */
  readonly data: GoValue;
  /** Functions on top of the builtins (debos's and sprig's, see recipeFuncs). */
  readonly funcs?: ReadonlyMap<string, GoFunc>;
}

export interface MissingKey {
  readonly key: string;
  readonly where: SourcePos;
  /** Whether it reached the output as "<no value>" (else it was only tested or defaulted). */
  readonly printed: boolean;
}

export interface RenderResult {
  readonly text: string;
  /** Each map key that was read but absent; check warns about those that were printed. */
  readonly missingKeys: readonly MissingKey[];
  /** The template source position that produced the output at this offset of `text`. */
  sourceAt(offset: number): SourcePos;
}

/** A template that fails to parse or execute. `goMessage` is the error as Go prints it. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly goMessage: string,
    readonly where: SourcePos,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export function renderTemplate(source: string, opts: RenderOptions): RenderResult {
  const funcs = opts.funcs ?? new Map<string, GoFunc>();
  const src = new SourceText(source);
  const at = (pos: number): SourcePos => ({ file: opts.file, ...src.lineCol(pos) });

  let trees: ReturnType<typeof parse>;
  try {
    trees = parse(source, opts.name, (name) => funcs.has(name) || BUILTINS.has(name));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    const goMessage = sprintf(`template: ${opts.name}:${e.line}: ${e.format}`, e.args);
    throw new TemplateError(e.message, goMessage, {
      file: opts.file,
      line: e.line,
      col: src.colOnLine(e.pos, e.line),
    });
  }

  const out = new Output();
  const hits: MissingKeyHit[] = [];
  try {
    execute({ source: src, parseName: opts.name, trees, funcs, out, missingKeys: hits, frames: [] }, opts.name, opts.data);
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    throw new TemplateError(e.message, e.goMessage, e.pos === null ? { file: opts.file, line: 1, col: 1 } : at(e.pos));
  }

  return {
    text: out.text(),
    missingKeys: hits.map((h) => ({ key: h.key, where: at(h.pos), printed: h.printed })),
    sourceAt: (offset) => at(out.sourceIndex(offset)),
  };
}
