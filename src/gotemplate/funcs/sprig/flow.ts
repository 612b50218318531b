// sprig's fail, which stops rendering with the given message, and hello, its smoke test.
import { GoFuncError, type GoFunc } from '../../value.js';
import { asString, defineFunc } from '../define.js';

export const flowFuncs: readonly GoFunc[] = [
  defineFunc('fail', 'func(msg string) (string, error)', (msg) => {
    throw new GoFuncError(asString(msg));
  }),
  defineFunc('hello', 'func() string', () => 'Hello!'),
];
