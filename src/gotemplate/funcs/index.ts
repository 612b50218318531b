// The functions debos registers on top of Go's builtins: its own (sector, escape, uuid5)
// and slim-sprig's GenericFuncMap. debos adds its own first and sprig's after, so a sprig
// function of the same name would win; none clashes.
import type { GoFunc } from '../value.js';
import { debosFuncs } from './debos.js';
import { conversionFuncs } from './sprig/conversion.js';
import { dateFuncs } from './sprig/dates.js';
import { defaultFuncs } from './sprig/defaults.js';
import { dictFuncs } from './sprig/dicts.js';
import { encodingFuncs } from './sprig/encoding.js';
import { flowFuncs } from './sprig/flow.js';
import { jsonFuncs } from './sprig/json.js';
import { listFuncs } from './sprig/lists.js';
import { mathFuncs } from './sprig/math.js';
import { networkFuncs } from './sprig/network.js';
import { osFuncs } from './sprig/os.js';
import { pathFuncs } from './sprig/paths.js';
import { reflectFuncs } from './sprig/reflect.js';
import { regexFuncs } from './sprig/regex.js';
import { stringFuncs } from './sprig/strings.js';
import { urlFuncs } from './sprig/url.js';

const sprigFuncs: readonly GoFunc[] = [
  ...stringFuncs,
  ...conversionFuncs,
  ...mathFuncs,
  ...listFuncs,
  ...dictFuncs,
  ...defaultFuncs,
  ...jsonFuncs,
  ...reflectFuncs,
  ...pathFuncs,
  ...encodingFuncs,
  ...regexFuncs,
  ...dateFuncs,
  ...osFuncs,
  ...networkFuncs,
  ...urlFuncs,
  ...flowFuncs,
];

let funcs: ReadonlyMap<string, GoFunc> | undefined;

/** debos's template functions by name. */
export function recipeFuncs(): ReadonlyMap<string, GoFunc> {
  funcs ??= new Map([...debosFuncs, ...sprigFuncs].map((f) => [f.name, f]));
  return funcs;
}
