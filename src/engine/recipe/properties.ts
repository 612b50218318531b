// Property types as debos's Go structs read them. The YAML arrives with every plain scalar
// as its source text (see yaml.ts), and each property reads that text the way Go's yaml
// unmarshal fills a field of its type: `version: 1.10` into a string stays "1.10", and a
// bool takes the YAML 1.1 words yaml.v2 knew (debos 1.1.1 used yaml.v2).
import { z } from 'zod';

/** How a value is named in "expected a boolean, got a list". */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** A scalar property: `read` turns the source text into the value, or undefined if it cannot. */
function scalar<T>(expected: string, read: (text: string) => T | undefined) {
  return z.unknown().transform((input, ctx): T => {
    const value = typeof input === 'string' ? read(input) : undefined;
    if (value !== undefined) return value;
    ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describe(input)}`, input });
    return z.NEVER;
  });
}

const TRUE_WORDS = new Set(['y', 'yes', 'on', 'true']);
const FALSE_WORDS = new Set(['n', 'no', 'off', 'false']);

/**
 * yaml.v2 reads `1` as an integer, not a boolean: debos up to 1.1.4 drops the property
 * silently (`recommends: 1` installs no recommends), 1.1.5 and later refuse it.
 */
export const bool = () =>
  z.unknown().transform((input, ctx): boolean => {
    const word = typeof input === 'string' ? input.toLowerCase() : undefined;
    if (word !== undefined && TRUE_WORDS.has(word)) return true;
    if (word !== undefined && FALSE_WORDS.has(word)) return false;
    const number = typeof input === 'string' && parseGoInt(input) !== undefined;
    const why = number ? ': debos 1.1.1 to 1.1.4 silently ignore a number here and 1.1.5 and later refuse it; write true or false' : '';
    ctx.addIssue({ code: 'custom', message: `expected a boolean, got ${describe(input)}${why}`, input });
    return z.NEVER;
  });

/** An integer in Go's literal forms (decimal, 0x, 0o or YAML 1.1's leading-0 octal, 0b, `_`). */
export function parseGoInt(text: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/.exec(text.replaceAll('_', ''));
  if (!m) return undefined;
  const digits = m[2]!;
  // Number() reads 0x, 0o and 0b itself.
  const n = Number(/^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits);
  return Number.isSafeInteger(n) ? (m[1] === '-' ? -n : n) : undefined;
}

export const int = () => scalar('an integer', parseGoInt);

export const str = () => scalar('a string', (text) => text);

/** One of a fixed set of words, e.g. a compression name. */
export const oneOf = <const T extends string>(values: readonly T[]) =>
  scalar(`one of ${values.join(', ')}`, (text) => values.find((v) => v === text));

/**
 * One of a fixed set of words in any case, kept as written (`GPT`): for a word debos hands
 * to a tool that takes any case; verify says how debos reads the other spellings.
 */
export const anyCaseOf = (values: readonly string[]) =>
  scalar(`one of ${values.join(', ')}`, (text) => (values.includes(text.toLowerCase()) ? text : undefined));

const collection = (expected: string) => ({
  error: (issue: { code: string; input?: unknown }) =>
    issue.code === 'invalid_type' ? `expected ${expected}, got ${describe(issue.input)}` : undefined,
});

export const strList = () => z.array(str(), collection('a list of strings'));

export const strMap = () => z.record(z.string(), str(), collection('a mapping of strings'));

/** A nested mapping of properties, strict like an action (unknown keys are reported). */
export const mapping = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.strictObject(shape, collection('a mapping'));

export const listOf = <S extends z.ZodType>(item: S) => z.array(item, collection('a list'));

/**
 * debos reads `key: ~` (or `key:` with nothing) into a field as if the key were absent;
 * so do we, which lets the property's default apply. Items of lists keep their nulls.
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
  return out;
}
