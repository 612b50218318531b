// Loading a recipe: render its template, parse the YAML, validate the top level and every
// action, check that the files it names exist, and load its sub-recipes the same way.
// Every problem is collected and reported at its place in the recipe file.
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { PlannedImage } from '../actions/action.js';
import { type ActionKind, type ActionParams, findAction, type ParamsOf } from '../actions/index.js';
import { formatPos, RecipeError, RecipeErrors, type SourcePos } from '../../core/errors.js';
import { recipeFuncs, renderTemplate, type RenderResult, TemplateError, templateData } from '../../gotemplate/index.js';
import { closest } from '../../util/suggest.js';
import { problemsOf } from './issues.js';
import { describe, dropNulls, int, listOf, str } from './properties.js';
import { missingFiles, type HostCommand } from './named-files.js';
import { validateAction, type Finding } from './validate-action.js';
import { parseYaml, type PathSegment, type YamlDocument } from './yaml.js';

export type TemplateVars = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export interface LoadOptions {
  /** The `-t` template variables. */
  readonly vars?: TemplateVars;
  /** Unknown properties are errors; by default they are warnings and ignored, as debos ignores them. */
  readonly strict?: boolean;
}

export interface RecipeWarning {
  readonly message: string;
  readonly where?: SourcePos;
  readonly hint?: string;
}

export interface Recipe {
  /** The recipe file as messages name it (a sub-recipe's is joined to its parent's). */
  readonly file: string;
  /** Absolute directory of the file: origin `recipe` and relative paths start here. */
  readonly dir: string;
  readonly architecture: string;
  readonly sectorSize: number;
  /** The template variables it was rendered with. */
  readonly vars: ReadonlyMap<string, string>;
  /** The rendered text the YAML was parsed from. */
  readonly text: string;
  readonly actions: readonly LoadedAction[];
}

interface LoadedActionOf<K extends ActionKind> {
  readonly kind: K;
  readonly params: ParamsOf<K>;
  /** The `====` banner debos prints: description, else the kind's default, else the kind. */
  readonly description: string;
  /** Where the action starts in its recipe file. */
  readonly where: SourcePos;
  /** The recipe it belongs to: file as shown, and absolute directory. */
  readonly file: string;
  readonly recipeDir: string;
  /** The action's lines of the rendered recipe. */
  readonly yaml: string;
}

/** A validated action; a `recipe` action holds the sub-recipe it includes. */
export type LoadedAction = {
  [K in ActionKind]: K extends 'recipe' ? LoadedActionOf<K> & { readonly child: Recipe } : LoadedActionOf<K>;
}[ActionKind];

export interface LoadResult {
  readonly recipe: Recipe;
  readonly warnings: readonly RecipeWarning[];
}

/** Reads and renders a recipe file the way debos does (template named after the file). */
export async function renderRecipeFile(file: string, vars: TemplateVars): Promise<{ source: string; rendered: RenderResult }> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new RecipeError(`cannot read recipe ${file}: ${reason}`, { cause: e });
  }
  const data = templateData(new Map(toEntries(vars)));
  try {
    return { source, rendered: renderTemplate(source, { name: basename(file), file, data, funcs: recipeFuncs() }) };
  } catch (e) {
    throw e instanceof TemplateError ? new RecipeError(e.message, { where: e.where, cause: e }) : e;
  }
}

/**
 * Loads, validates and checks a recipe and its sub-recipes. Throws the RecipeError when
 * there is one problem (a template's has its TemplateError as cause), RecipeErrors when
 * there are several.
 */
export async function loadRecipe(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const state: LoadState = {
    lenient: !(opts.strict ?? false),
    errors: [],
    warnings: [],
    downloads: new Set(),
    image: undefined,
    hostCommands: [],
    including: [{ path: resolve(file), file }],
    commandLine: new Set(),
  };
  const vars = new Map(toEntries(opts.vars ?? {}));
  for (const name of vars.keys()) state.commandLine.add(name);
  const recipe = await loadFile(file, vars, state);
  if (state.errors.length === 1) throw state.errors[0]!;
  if (state.errors.length > 1) throw new RecipeErrors(state.errors);
  return { recipe: recipe!, warnings: state.warnings };
}

interface LoadState {
  readonly lenient: boolean;
  readonly errors: RecipeError[];
  readonly warnings: RecipeWarning[];
  /** Download names seen so far, in build order: the origins later actions may use. */
  readonly downloads: Set<string>;
  /** The image of the last image-partition action so far, for the verify of those after it. */
  image: PlannedImage | undefined;
  /** Actions so far that run commands on the build host: they may make files later ones name. */
  readonly hostCommands: HostCommand[];
  /** The recipes being loaded, outermost first, to catch include cycles. */
  readonly including: { path: string; file: string }[];
  /** The names of the -t variables: a sub-recipe that reads one it was not given is warned about. */
  readonly commandLine: Set<string>;
}

interface Parent {
  readonly architecture: string;
  readonly includedAt: SourcePos;
}

const TOP_LEVEL_KEYS = ['architecture', 'sectorsize', 'actions'];

/** Other top-level keys are warned about (see loadFile), except those holding YAML anchors (`.common: &x`). */
const topLevel = z.looseObject({
  architecture: str().optional(),
  sectorsize: int().default(512),
  actions: listOf(z.unknown()).optional(),
});

async function loadFile(file: string, vars: ReadonlyMap<string, string>, state: LoadState, parent?: Parent): Promise<Recipe | undefined> {
  const { rendered } = await renderRecipeFile(file, vars);
  const notPassed = new Set<string>();
  for (const { key, where, printed } of rendered.missingKeys) {
    if (parent && state.commandLine.has(key)) {
      if (notPassed.has(key)) continue;
      notPassed.add(key);
      const message = `sub-recipe reads template variable "${key}", which the command line sets but the recipe action does not pass on: here it is unset`;
      const hint = `debos gives a sub-recipe only 'architecture' and the recipe action's 'variables'; add "${key}: {{ .${key} }}" to the variables of the recipe action at ${formatPos(parent.includedAt)}`;
      state.warnings.push({ message, where, hint });
    } else if (printed) {
      state.warnings.push({ message: `template variable "${key}" is not set; it renders as "<no value>"`, where });
    }
  }
  const doc = parseYaml(rendered.text, (offset) => rendered.sourceAt(offset));
  const root = doc.value;
  const at = (path: readonly PathSegment[], part: 'key' | 'value' = 'value') => rendered.sourceAt(doc.offsetOf(root, path, part));
  const report = (f: Finding) => state.errors.push(new RecipeError(f.message, findingOpts(f, at(f.path, f.part))));

  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new RecipeError(`a recipe is a YAML mapping with 'architecture' and 'actions', got ${describe(root)}`, { where: at([]) });
  }
  const input = dropNulls(root);
  const top = topLevel.safeParse(input);
  if (!top.success) {
    problemsOf(top.error.issues, 'recipe', input, topLevel).forEach(report);
    return undefined;
  }
  for (const key of Object.keys(input as object).filter((k) => !TOP_LEVEL_KEYS.includes(k))) {
    if (holdsAnchor(rendered.text, doc.offsetOf(root, [key], 'key'))) continue;
    const guess = closest(key, TOP_LEVEL_KEYS);
    const message = `unknown property "${key}" in recipe${guess ? ` (did you mean "${guess}"?)` : ''}`;
    const finding: Finding = { path: [key], part: 'key', message };
    if (state.lenient) state.warnings.push({ message, where: at([key], 'key') });
    else report(finding);
  }
  const { architecture = '', sectorsize: sectorSize, actions: validated = [] } = top.data;
  if (!architecture) report({ path: [], part: 'value', message: "recipe has no 'architecture' property" });
  if (validated.length === 0) report({ path: ['actions'], part: 'value', message: 'recipe has no actions' });
  if (parent && architecture && architecture !== parent.architecture) {
    const message = `sub-recipe ${file} is for ${architecture} but the recipe is for ${parent.architecture}`;
    state.errors.push(new RecipeError(message, { where: at(['architecture']), hint: `included at ${formatPos(parent.includedAt)}` }));
  }

  const scope: Scope = { file, dir: dirname(resolve(file)), architecture, sectorSize, vars, doc, at, report, state };
  const actions: LoadedAction[] = [];
  // Positions belong to the parsed nodes, not to the null-free copy that was validated.
  const nodes = (root as { actions?: unknown[] }).actions ?? [];
  for (const [i, node] of nodes.entries()) {
    const action = await loadAction(node, ['actions', i], scope);
    if (action) actions.push(action);
  }
  return { file, dir: scope.dir, architecture, sectorSize, vars, text: rendered.text, actions };
}

/** One recipe being loaded, as its actions see it. */
interface Scope {
  readonly file: string;
  readonly dir: string;
  readonly architecture: string;
  readonly sectorSize: number;
  readonly vars: ReadonlyMap<string, string>;
  readonly doc: YamlDocument;
  /** Where a path below the document root was written. */
  at(path: readonly PathSegment[], part?: 'key' | 'value'): SourcePos;
  /** Records an error at a path below the document root. */
  report(finding: Finding): void;
  readonly state: LoadState;
}

async function loadAction(node: unknown, base: readonly PathSegment[], scope: Scope): Promise<LoadedAction | undefined> {
  const { state } = scope;
  const below = (f: Finding): Finding => ({ ...f, path: [...base, ...f.path] });
  const context = { recipeDir: scope.dir, architecture: scope.architecture, sectorSize: scope.sectorSize, downloadNames: new Set(state.downloads), image: state.image };
  const result = validateAction(node, context, state.lenient);
  for (const w of result.warnings.map(below)) state.warnings.push({ message: w.message, ...findingOpts(w, scope.at(w.path, w.part)) });
  if (!result.ok) {
    result.errors.map(below).forEach(scope.report);
    // Later actions still know an image comes before them, so they add no error of their own.
    const kind = (node as { action?: unknown }).action;
    if (typeof kind === 'string' && findAction(kind)?.image) state.image = { name: '', bytes: 0, partitions: [], mountpoints: [], invalid: true };
    return undefined;
  }
  const params = result.params as ActionParams;
  // debos checks files before the build: one that a command before this action makes is
  // not there yet, which is worth a warning, not an error.
  const { errors: missing, warnings: notYet } = await missingFiles(result.files, params.action, state.hostCommands);
  for (const w of notYet.map(below)) state.warnings.push({ message: w.message, ...findingOpts(w, scope.at(w.path, w.part)) });
  if (missing.length > 0) {
    missing.map(below).forEach(scope.report);
    return undefined;
  }
  if (params.action === 'download') state.downloads.add(params.name);
  const image = result.def.image?.(params as never, scope.sectorSize);
  if (image) state.image = image;
  if (result.def.runsOnBuildHost?.(params as never)) state.hostCommands.push({ kind: params.action, where: scope.at(base) });
  const action = {
    kind: params.action,
    params,
    description: params.description ?? result.def.defaultDescription ?? params.action,
    where: scope.at(base),
    file: scope.file,
    recipeDir: scope.dir,
    yaml: scope.doc.linesOf(node) ?? '',
  };
  if (params.action !== 'recipe') return action as LoadedAction;
  const child = await loadChild(params, { ...scope, includedAt: scope.at([...base, 'recipe']) }, state);
  return child && ({ ...action, child } as LoadedAction);
}

interface Includer {
  readonly file: string;
  readonly dir: string;
  readonly architecture: string;
  readonly includedAt: SourcePos;
}

async function loadChild(params: ParamsOf<'recipe'>, from: Includer, state: LoadState): Promise<Recipe | undefined> {
  const path = resolve(from.dir, params.recipe);
  const file = isAbsolute(params.recipe) ? params.recipe : join(dirname(from.file), params.recipe);
  const cycleStart = state.including.findIndex((r) => r.path === path);
  if (cycleStart !== -1) {
    const chain = [...state.including.slice(cycleStart).map((r) => r.file), file].join(' → ');
    state.errors.push(new RecipeError(`recipe include cycle: ${chain}`, { where: from.includedAt }));
    return undefined;
  }
  // As debos: a sub-recipe sees `architecture` and the action's `variables`, not the
  // parent's (-t) variables. loadFile warns when it reads one the command line set.
  const vars = new Map([['architecture', from.architecture], ...Object.entries(params.variables)]);
  state.including.push({ path, file });
  try {
    return await loadFile(file, vars, state, { architecture: from.architecture, includedAt: from.includedAt });
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    state.errors.push(e);
    return undefined;
  } finally {
    state.including.pop();
  }
}

function findingOpts(f: Finding, where: SourcePos): { where: SourcePos; hint?: string } {
  return f.hint === undefined ? { where } : { where, hint: f.hint };
}

/** True when the mapping entry whose key starts at `offset` has an anchored value (`.x: &x`),
 * scratch space that actions merge from (`<<: *x`), as debos's own tests do. */
function holdsAnchor(text: string, offset: number): boolean {
  return /^[^\n:]*:[ \t]*&/.test(text.slice(offset));
}

function toEntries(vars: TemplateVars): Iterable<[string, string]> {
  return vars instanceof Map ? vars : Object.entries(vars);
}
