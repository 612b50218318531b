// The functions debos registers on top of Go's builtins: its own (sector, escape, uuid5)
// and slim-sprig's GenericFuncMap.
// PLACEHOLDER: the sprig helper fills this in.
import { type GoFunc } from '../value.js';

export function recipeFuncs(): ReadonlyMap<string, GoFunc> {
  return new Map();
}
