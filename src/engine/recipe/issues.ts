// Turns zod's validation issues into the messages a recipe author reads, each tied to the
// path of the property it is about, so the loader can point at its line.
import type { z } from 'zod';
import { closest } from '../../util/suggest.js';
import type { PathSegment } from './yaml.js';

export interface Problem {
  readonly path: readonly PathSegment[];
  /** Point at the key (an unknown property) or at the value. */
  readonly part: 'key' | 'value';
  readonly message: string;
  /** An unknown property: lenient loading makes it a warning. */
  readonly unknownProperty: boolean;
}

/** `partitions[1].fs`, as a recipe author would name it. */
export function propertyLabel(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * @param subject what the input is, for the messages: `run action`
 * @param input the value that was validated
 * @param schema the schema it was validated with, for did-you-mean over property names
 */
export function problemsOf(issues: readonly z.core.$ZodIssue[], subject: string, input: unknown, schema: z.ZodType): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = issue.path.filter((s) => typeof s !== 'symbol');
    const label = `"${propertyLabel(path)}"`;
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(shapeAt(schema, path) ?? {});
      return issue.keys.map((key) => {
        const guess = closest(key, known);
        const message = `unknown property "${propertyLabel([...path, key])}" in ${subject}${guess ? ` (did you mean "${guess}"?)` : ''}`;
        return { path: [...path, key], part: 'key', message, unknownProperty: true };
      });
    }
    if (isMissing(input, path)) {
      return [{ path, part: 'value', message: `missing required property ${label} in ${subject}`, unknownProperty: false }];
    }
    if (issue.code === 'too_small' && issue.origin === 'array') {
      return [{ path, part: 'value', message: `${label} in ${subject} needs at least ${issue.minimum} item(s)`, unknownProperty: false }];
    }
    return [{ path, part: 'value', message: `${label} in ${subject}: ${issue.message}`, unknownProperty: false }];
  });
}

/** True when the last key of `path` is absent from a mapping that is present. */
function isMissing(input: unknown, path: readonly PathSegment[]): boolean {
  let node = input;
  for (const [i, segment] of path.entries()) {
    if (typeof node !== 'object' || node === null) return false;
    if (!Object.hasOwn(node, segment)) return i === path.length - 1;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return false;
}

/** The object shape the schema expects at `path`, looking through wrappers and lists. */
function shapeAt(schema: z.core.$ZodType, path: readonly PathSegment[]): Record<string, unknown> | undefined {
  const def = schema._zod.def as unknown as {
    type: string;
    shape?: Record<string, z.core.$ZodType>;
    element?: z.core.$ZodType;
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
  };
  const inner = def.innerType ?? def.in;
  if (inner) return shapeAt(inner, path);
  if (path.length === 0) return def.shape;
  const [head, ...rest] = path;
  const next = def.type === 'array' ? def.element : def.shape?.[String(head)];
  return next && shapeAt(next, rest);
}
