// Go's reference-time layouts ("2006-01-02 15:04:05 MST"): the layout scanner shared by
// Format and Parse, and Format itself. Parse is in parse.ts.
import { civilFromDays, DAY_NAMES, MONTH_NAMES, weekday, yearDay } from './calendar.js';

/** One element of a layout: its kind and, for fractional seconds, digits and separator. */
export interface Std {
  readonly kind: StdKind;
  readonly digits: number;
  readonly separator: '.' | ',';
}

export type StdKind =
  | 'longMonth' | 'month' | 'numMonth' | 'zeroMonth'
  | 'longWeekDay' | 'weekDay'
  | 'day' | 'underDay' | 'zeroDay'
  | 'underYearDay' | 'zeroYearDay'
  | 'hour' | 'hour12' | 'zeroHour12'
  | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond'
  | 'longYear' | 'year'
  | 'PM' | 'pm' | 'TZ'
  | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ'
  | 'numTZ' | 'numSecondsTz' | 'numShortTZ' | 'numColonTZ' | 'numColonSecondsTZ'
  | 'fracSecond0' | 'fracSecond9';

export interface Chunk {
  readonly prefix: string;
  readonly std: Std | undefined;
  readonly suffix: string;
}

const std = (kind: StdKind): Std => ({ kind, digits: 0, separator: '.' });
const ZERO_X: StdKind[] = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'];
const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

// Each entry: a literal that starts at layout[i] and the element it stands for, tried in order.
const PREFIXED: Record<string, Array<[string, StdKind]>> = {
  '-': [['-070000', 'numSecondsTz'], ['-07:00:00', 'numColonSecondsTZ'], ['-0700', 'numTZ'], ['-07:00', 'numColonTZ'], ['-07', 'numShortTZ']],
  Z: [['Z070000', 'ISO8601SecondsTZ'], ['Z07:00:00', 'ISO8601ColonSecondsTZ'], ['Z0700', 'ISO8601TZ'], ['Z07:00', 'ISO8601ColonTZ'], ['Z07', 'ISO8601ShortTZ']],
};

/** Go's nextStdChunk: the text before the first layout element, the element, the rest. */
export function nextStdChunk(layout: string): Chunk {
  const cut = (i: number, kind: StdKind | Std, len: number): Chunk => ({
    prefix: layout.slice(0, i),
    std: typeof kind === 'string' ? std(kind) : kind,
    suffix: layout.slice(i + len),
  });
  const at = (i: number, s: string): boolean => layout.startsWith(s, i);
  const lowerAfter = (i: number): boolean => /^[a-z]/.test(layout.slice(i));
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return cut(i, 'longMonth', 7);
          if (!lowerAfter(i + 3)) return cut(i, 'month', 3);
        }
        break;
      case 'M':
        if (at(i, 'Mon')) {
          if (at(i, 'Monday')) return cut(i, 'longWeekDay', 6);
          if (!lowerAfter(i + 3)) return cut(i, 'weekDay', 3);
        }
        if (at(i, 'MST')) return cut(i, 'TZ', 3);
        break;
      case '0': {
        const next = layout[i + 1];
        if (next !== undefined && next >= '1' && next <= '6') return cut(i, ZERO_X[Number(next) - 1]!, 2);
        if (at(i, '002')) return cut(i, 'zeroYearDay', 3);
        break;
      }
      case '1':
        return at(i, '15') ? cut(i, 'hour', 2) : cut(i, 'numMonth', 1);
      case '2':
        return at(i, '2006') ? cut(i, 'longYear', 4) : cut(i, 'day', 1);
      case '_':
        if (at(i, '_2')) {
          // "_2006" is a literal underscore and then the year.
          if (at(i + 1, '2006')) return { prefix: layout.slice(0, i + 1), std: std('longYear'), suffix: layout.slice(i + 5) };
          return cut(i, 'underDay', 2);
        }
        if (at(i, '__2')) return cut(i, 'underYearDay', 3);
        break;
      case '3':
        return cut(i, 'hour12', 1);
      case '4':
        return cut(i, 'minute', 1);
      case '5':
        return cut(i, 'second', 1);
      case 'P':
        if (at(i, 'PM')) return cut(i, 'PM', 2);
        break;
      case 'p':
        if (at(i, 'pm')) return cut(i, 'pm', 2);
        break;
      case '-':
      case 'Z':
        for (const [lit, kind] of PREFIXED[c] ?? []) if (at(i, lit)) return cut(i, kind, lit.length);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (layout[j] === ch) j++;
          // Only a run of digits that ends here is a fractional second.
          if (!isDigitAt(layout, j)) {
            const kind = ch === '0' ? 'fracSecond0' : 'fracSecond9';
            return cut(i, { kind, digits: (j - (i + 1)) & 0xfff, separator: c }, j - i);
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, std: undefined, suffix: '' };
}

/** appendInt: x in decimal, zero-padded to width. */
export function pad(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? `-${digits}` : digits;
}

/** The parts of an instant Format needs, already shifted to the zone's wall clock. */
export interface WallClock {
  readonly days: number; // days since 1970-01-01 in local time
  readonly secondOfDay: number;
  readonly nanosecond: number;
  readonly zoneName: string;
  readonly offset: number;
}

function formatOffset(kind: StdKind, offset: number): string {
  const iso = kind.startsWith('ISO');
  if (offset === 0 && iso) return 'Z';
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let out = '+';
  if (zone < 0) {
    out = '-';
    zone = -zone;
    abs = -abs;
  }
  out += pad(Math.trunc(zone / 60), 2);
  const colon = kind.includes('Colon');
  if (colon) out += ':';
  if (!kind.endsWith('ShortTZ')) out += pad(zone % 60, 2);
  if (/Seconds/i.test(kind)) out += (colon ? ':' : '') + pad(abs % 60, 2);
  return out;
}

function formatNano(nanosecond: number, s: Std): string {
  const trim = s.kind === 'fracSecond9';
  if (trim && (s.digits === 0 || nanosecond === 0)) return '';
  let digits = pad(nanosecond, 9);
  if (s.digits < 9) digits = digits.slice(0, s.digits);
  let out = s.separator + digits;
  if (trim) out = out.replace(/0+$/, '').replace(/[.,]$/, '');
  return out;
}

/** Time.Format. */
export function formatLayout(t: WallClock, layout: string): string {
  const date = civilFromDays(t.days);
  const hour = Math.floor(t.secondOfDay / 3600);
  const min = Math.floor(t.secondOfDay / 60) % 60;
  const sec = t.secondOfDay % 60;
  let out = '';
  for (;;) {
    const { prefix, std: s, suffix } = nextStdChunk(layout);
    out += prefix;
    if (s === undefined) return out;
    layout = suffix;
    out += formatStd(s);
  }

  function formatStd(s: Std): string {
    switch (s.kind) {
      case 'year':
        return pad(Math.abs(date.year) % 100, 2);
      case 'longYear':
        return pad(date.year, 4);
      case 'month':
        return MONTH_NAMES[date.month - 1]!.slice(0, 3);
      case 'longMonth':
        return MONTH_NAMES[date.month - 1]!;
      case 'numMonth':
        return String(date.month);
      case 'zeroMonth':
        return pad(date.month, 2);
      case 'weekDay':
        return DAY_NAMES[weekday(t.days)]!.slice(0, 3);
      case 'longWeekDay':
        return DAY_NAMES[weekday(t.days)]!;
      case 'day':
        return String(date.day);
      case 'underDay':
        return (date.day < 10 ? ' ' : '') + String(date.day);
      case 'zeroDay':
        return pad(date.day, 2);
      case 'underYearDay':
        return String(yearDay(t.days)).padStart(3, ' ');
      case 'zeroYearDay':
        return pad(yearDay(t.days), 3);
      case 'hour':
        return pad(hour, 2);
      case 'hour12':
        return String(hour % 12 || 12);
      case 'zeroHour12':
        return pad(hour % 12 || 12, 2);
      case 'minute':
        return String(min);
      case 'zeroMinute':
        return pad(min, 2);
      case 'second':
        return String(sec);
      case 'zeroSecond':
        return pad(sec, 2);
      case 'PM':
        return hour >= 12 ? 'PM' : 'AM';
      case 'pm':
        return hour >= 12 ? 'pm' : 'am';
      case 'TZ': {
        if (t.zoneName !== '') return t.zoneName;
        // No name known for this zone: Go prints the offset as -0700.
        const zone = Math.trunc(t.offset / 60);
        return (zone < 0 ? '-' : '+') + pad(Math.trunc(Math.abs(zone) / 60), 2) + pad(Math.abs(zone) % 60, 2);
      }
      case 'fracSecond0':
      case 'fracSecond9':
        return formatNano(t.nanosecond, s);
      default:
        return formatOffset(s.kind, t.offset);
    }
  }
}
