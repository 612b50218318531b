// NAME:VALUE arguments (-t, -e), as debos splits them.

/** Splits at the first colon; NAME alone means an empty value. */
export function splitVar(spec: string): [string, string] {
  const colon = spec.indexOf(':');
  return colon === -1 ? [spec, ''] : [spec.slice(0, colon), spec.slice(colon + 1)];
}
