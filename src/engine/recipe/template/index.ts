// The Go text/template engine, as debos uses it to render recipes.
// PLACEHOLDER: the template helper implements this; the exported API is the contract the
// recipe loader builds on.
import { RecipeError, type SourcePos } from '../../errors.js';
import { type GoFunc, type GoValue } from './value.js';

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
}

export interface RenderResult {
  readonly text: string;
  /** Each map key that was read but absent (it printed as "<no value>"); check warns. */
  readonly missingKeys: readonly MissingKey[];
  /** The template source position that produced the output at this offset of `text`. */
  sourceAt(offset: number): SourcePos;
}

/** A template that fails to parse or execute. `goMessage` is the error as Go prints it. */
export class TemplateError extends RecipeError {
  constructor(
    message: string,
    readonly goMessage: string,
    where: SourcePos,
  ) {
    super(message, { where });
  }
}

export function renderTemplate(source: string, opts: RenderOptions): RenderResult {
  void opts;
  return {
    text: source,
    missingKeys: [],
    sourceAt: (offset) => {
      const before = source.slice(0, offset).split('\n');
      return { file: opts.file, line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
    },
  };
}
