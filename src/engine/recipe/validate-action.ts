// Validation of one action as written: which kind it is, its properties against the kind's
// schema (strict, or lenient: unknown properties are warnings), then the kind's verify.
// Pure: no files are read here, and findings carry property paths, not positions.
import { PropertyError, type ActionDef, type NamedFile, type VerifyContext } from '../actions/action.js';
import { ACTION_KINDS, findAction, suggestAction } from '../actions/index.js';
import { problemsOf, type Problem } from './issues.js';
import { describe, dropNulls } from './properties.js';
import type { PathSegment } from './yaml.js';

export interface Finding {
  readonly path: readonly PathSegment[];
  readonly part: 'key' | 'value';
  readonly message: string;
  readonly hint?: string;
}

export type ActionValidation =
  | {
      readonly ok: true;
      readonly def: ActionDef;
      readonly params: unknown;
      /** The files it names, still to be checked for existence. */
      readonly files: readonly NamedFile[];
      readonly warnings: readonly Finding[];
    }
  | { readonly ok: false; readonly errors: readonly Finding[]; readonly warnings: readonly Finding[] };

/** `partitions.2.fslabel` → `['partitions', 2, 'fslabel']`; `''` is the action itself. */
export function propertyPath(property: string): PathSegment[] {
  return property === '' ? [] : property.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Everything verify may know, but `warn` and `tolerate`: warnings come back in the result. */
export type ActionContext = Omit<VerifyContext, 'warn' | 'tolerate'>;

export function validateAction(node: unknown, context: ActionContext, lenient: boolean): ActionValidation {
  const fail = (finding: Finding): ActionValidation => ({ ok: false, errors: [finding], warnings: [] });
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    return fail({ path: [], part: 'value', message: `an action must be a mapping with an 'action' property, got ${describe(node)}` });
  }
  const kind = (node as Record<string, unknown>).action;
  if (typeof kind !== 'string') {
    return fail({
      path: Object.hasOwn(node, 'action') ? ['action'] : [],
      part: 'value',
      message: kind === undefined ? "action has no 'action' property" : `'action' must be an action name, got ${describe(kind)}`,
    });
  }
  const def = findAction(kind);
  if (!def) {
    const guess = suggestAction(kind);
    return fail({
      path: ['action'],
      part: 'value',
      message: `unknown action "${kind}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
      ...(guess ? {} : { hint: `the actions are ${ACTION_KINDS.join(', ')}` }),
    });
  }

  const subject = `${kind} action`;
  let input = dropNulls(node);
  let result = def.schema.safeParse(input);
  const warnings: Finding[] = [];
  // debos ignores unknown properties; lenient loading does too, but says so. When the action
  // fails anyway, they are reported with its errors: a misspelling is the likely cause.
  const ignored: Finding[] = [];
  if (!result.success && lenient) {
    const unknown = problemsOf(result.error.issues, subject, input, def.schema).filter((p) => p.unknownProperty);
    for (const p of unknown) {
      ignored.push(finding(p));
      input = withoutProperty(input, p.path);
    }
    if (unknown.length > 0) result = def.schema.safeParse(input);
  }
  if (!result.success) {
    return { ok: false, errors: [...ignored, ...problemsOf(result.error.issues, subject, input, def.schema).map(finding)], warnings };
  }

  const ctx: VerifyContext = {
    ...context,
    warn: (property, message) => warnings.push({ path: propertyPath(property), part: 'value', message: `${subject}: ${message}` }),
    tolerate: (property, message) => {
      if (!lenient) throw new PropertyError(property, message);
      ctx.warn(property, message);
    },
  };
  try {
    def.verify?.(result.data, ctx);
  } catch (e) {
    if (!(e instanceof PropertyError)) throw e;
    const error: Finding = { path: propertyPath(e.property), part: 'value', message: `${subject}: ${e.message}`, ...(e.hint === undefined ? {} : { hint: e.hint }) };
    return { ok: false, errors: [...ignored, error], warnings };
  }
  return { ok: true, def, params: result.data, files: def.files?.(result.data, ctx) ?? [], warnings: [...ignored, ...warnings] };
}

function finding({ path, part, message }: Problem): Finding {
  return { path, part, message };
}

/** A copy of `value` without the property at `path`; the parsed tree is left alone. */
function withoutProperty(value: unknown, path: readonly PathSegment[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? withoutProperty(item, rest) : item));
  const copy: Record<string, unknown> = { ...value };
  if (rest.length === 0) delete copy[head];
  else copy[head] = withoutProperty(copy[head], rest);
  return copy;
}
