// Go's complex128, which template constants like 1+2i produce. Modelled as a GoStruct so
// the GoValue union stays as it is; fmt, comparison and truth recognise it by class.
import { formatFloat } from './fmt/float.js';
import type { GoFunc, GoStruct, GoValue } from './value.js';

export class GoComplex implements GoStruct {
  readonly type = 'complex128';
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
  field(): GoValue | undefined {
    return undefined;
  }
  method(): GoFunc | undefined {
    return undefined;
  }
  format(): string {
    const im = formatFloat(this.im, 'g', -1, 64);
    const sign = im.startsWith('-') || im.startsWith('+') ? '' : '+';
    const re = formatFloat(this.re, 'g', -1, 64).replace(/^\+/, '');
    return `(${re}${sign}${im}i)`;
  }
}
