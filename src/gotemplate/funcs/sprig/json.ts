// sprig's JSON functions. toJson and toPrettyJson swallow errors (printing nothing),
// toRawJson panics, and the must* variants return the error: all through Go's encoding/json.
import { GoFuncError, type GoFunc, type GoValue } from '../../value.js';
import { asString, defineFunc } from '../define.js';
import { decodeJSON } from '../go/json-decode.js';
import { encodeJSON, JsonError, type EncodeOptions } from '../go/json-encode.js';

const COMPACT: EncodeOptions = { escapeHTML: true };
const PRETTY: EncodeOptions = { escapeHTML: true, indent: '  ' };
const RAW: EncodeOptions = { escapeHTML: false };

function encodeOrFail(v: GoValue, opts: EncodeOptions): string {
  try {
    return encodeJSON(v, opts);
  } catch (e) {
    if (e instanceof JsonError) throw new GoFuncError(e.message);
    throw e;
  }
}

function encodeOrEmpty(v: GoValue, opts: EncodeOptions): string {
  try {
    return encodeJSON(v, opts);
  } catch (e) {
    if (e instanceof JsonError) return '';
    throw e;
  }
}

export const jsonFuncs: readonly GoFunc[] = [
  defineFunc('fromJson', 'func(v string) interface{}', (v) => decodeJSON(asString(v)).value),
  defineFunc('mustFromJson', 'func(v string) (interface{}, error)', (v) => {
    const decoded = decodeJSON(asString(v));
    if (decoded.error !== undefined) throw new GoFuncError(decoded.error);
    return decoded.value;
  }),
  defineFunc('toJson', 'func(v interface{}) string', (v) => encodeOrEmpty(v, COMPACT)),
  defineFunc('mustToJson', 'func(v interface{}) (string, error)', (v) => encodeOrFail(v, COMPACT)),
  defineFunc('toPrettyJson', 'func(v interface{}) string', (v) => encodeOrEmpty(v, PRETTY)),
  defineFunc('mustToPrettyJson', 'func(v interface{}) (string, error)', (v) => encodeOrFail(v, PRETTY)),
  defineFunc('toRawJson', 'func(v interface{}) string', (v) => encodeOrFail(v, RAW)),
  defineFunc('mustToRawJson', 'func(v interface{}) (string, error)', (v) => encodeOrFail(v, RAW)),
];
