// Calls a recipe function directly with Go values, as the evaluator would after converting
// the arguments, for the sprig-*.test.ts and debos-*.test.ts unit tests.
import assert from 'node:assert/strict';
import { recipeFuncs } from '../funcs/index.js';
import { GoFuncError, type GoFunc, type GoValue } from '../value.js';

export function func(name: string): GoFunc {
  const f = recipeFuncs().get(name);
  assert.ok(f, `no function ${name}`);
  return f;
}

export const call = (name: string, ...args: GoValue[]): GoValue => func(name).fn(...args);

/** The error text a call fails with (text/template prints it after "error calling NAME: "). */
export function callError(name: string, ...args: GoValue[]): string {
  try {
    call(name, ...args);
  } catch (e) {
    if (e instanceof GoFuncError) return e.message;
    throw e;
  }
  return assert.fail(`${name} did not fail`);
}
