// Declares a template function by its Go signature, written as the Go source declares it
// ("func(count int, str string) string"), so each definition can be checked against sprig's
// source by eye and the evaluator gets the exact parameter types it converts arguments to.
import { GoFunc, type GoType, type GoValue } from '../value.js';

/** The template function's body: receives the converted arguments, variadic ones spread. */
export type GoImpl = (...args: GoValue[]) => GoValue;

export function defineFunc(name: string, signature: string, impl: GoImpl): GoFunc {
  const sig = parseSignature(signature);
  return new GoFunc(name, sig.params, sig.variadic, sig.result, sig.canError, impl);
}

/** One function under several names (sprig registers aliases such as list/tuple). */
export function aliases(names: readonly string[], signature: string, impl: GoImpl): GoFunc[] {
  return names.map((n) => defineFunc(n, signature, impl));
}

interface Signature {
  readonly params: GoType[];
  readonly variadic: boolean;
  readonly result: GoType;
  readonly canError: boolean;
}

// reflect spells the empty interface "interface {}"; Go source spells it "interface{}".
const reflectSpelling = (t: string): GoType => t.replaceAll('interface{}', 'interface {}');

function parseSignature(signature: string): Signature {
  const m = /^func\((.*)\) (.+)$/.exec(signature);
  if (!m) throw new Error(`bad Go signature: ${signature}`);
  const [, paramText = '', resultText = ''] = m;
  const items = paramText === '' ? [] : paramText.split(',').map((s) => s.trim().split(/\s+/));
  // Go writes either all parameters named ("a, b string": a name takes the next type) or none.
  const named = items.some((words) => words.length === 2);
  const params: GoType[] = [];
  let pendingNames = 0;
  for (const words of items) {
    if (named && words.length === 1) {
      pendingNames++;
      continue;
    }
    const type = words.at(-1) ?? '';
    for (; pendingNames >= 0; pendingNames--) params.push(type);
    pendingNames = 0;
  }
  const last = params.at(-1);
  const variadic = last?.startsWith('...') ?? false;
  if (variadic && last !== undefined) params[params.length - 1] = last.slice(3);
  const results = /^\((.+), error\)$/.exec(resultText);
  return {
    params: params.map(reflectSpelling),
    variadic,
    result: reflectSpelling(results?.[1] ?? resultText),
    canError: results !== null,
  };
}

// The evaluator has converted each argument to its declared Go type; these only tell
// TypeScript which representation that is.
export const asString = (v: GoValue): string => v as string;
export const asBool = (v: GoValue): boolean => v as boolean;
export const asFloat = (v: GoValue): number => v as number;
export const asBigInt = (v: GoValue): bigint => v as bigint;
/** An int argument as a JavaScript number, for lengths and counts. */
export const asInt = (v: GoValue): number => Number(v as bigint);
