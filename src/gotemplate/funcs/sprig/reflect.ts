// sprig's reflection functions: Go type names as %T prints them, and reflect.Kind names.
import { typeOf, type GoFunc } from '../../value.js';
import { asString, defineFunc } from '../define.js';
import { deepEqual, kindOf } from '../go/reflect.js';

export const reflectFuncs: readonly GoFunc[] = [
  defineFunc('typeOf', 'func(src interface{}) string', (src) => typeOf(src)),
  defineFunc('typeIs', 'func(target string, src interface{}) bool', (target, src) =>
    asString(target) === typeOf(src),
  ),
  // "Like" also accepts a pointer to the type, which templates cannot make but Go data can hold.
  defineFunc('typeIsLike', 'func(target string, src interface{}) bool', (target, src) =>
    [asString(target), `*${asString(target)}`].includes(typeOf(src)),
  ),
  defineFunc('kindOf', 'func(src interface{}) string', (src) => kindOf(src)),
  defineFunc('kindIs', 'func(target string, src interface{}) bool', (target, src) =>
    asString(target) === kindOf(src),
  ),
  defineFunc('deepEqual', 'func(x, y interface{}) bool', (x, y) => deepEqual(x, y)),
];
