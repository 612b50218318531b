// time.ParseInLocation with Go's error messages ('parsing time "x" as "2006": cannot parse
// "x" as "2006"').
import { daysBefore, daysIn, DAY_NAMES, isLeap, MONTH_NAMES } from './calendar.js';
import { timeQuote } from './duration.js';
import { nextStdChunk, type Std } from './layout.js';
import { date, GoTime } from './time.js';
import { fixedZone, UTC, type Location } from './zone.js';

export type Parsed = { readonly time: GoTime } | { readonly error: string };

class Bad extends Error {}

/** A field whose text parsed but whose value is impossible ("month out of range"). */
class OutOfRange extends Error {}

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

// getnum: one or two digits (exactly two when fixed).
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new Bad();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let i = 0;
  while (i < 3 && isDigitAt(s, i)) i++;
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [Number(s.slice(0, i)), s.slice(i)];
}

// The time package's atoi: an optional sign and digits only.
function atoi(s: string): number {
  const m = /^[+-]?[0-9]+$/.exec(s);
  if (!m) throw new Bad();
  return Number(s);
}

// A case-insensitive (ASCII) match of one of the names at the start of val.
function lookup(names: readonly string[], val: string): [number, string] {
  for (const [i, name] of names.entries()) {
    if (val.length >= name.length && val.slice(0, name.length).toLowerCase() === name.toLowerCase()) {
      return [i, val.slice(name.length)];
    }
  }
  throw new Bad();
}

// skip: removes prefix from value, a run of spaces matching any run of spaces.
function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw new Bad();
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new Bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

// How long the time zone abbreviation at the start of value is; 0 if there is none.
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return 3 + signedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return signedOffset(value);
  const upper = /^[A-Z]{0,6}/.exec(value)![0].length;
  if (upper === 3) return 3;
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (upper === 5 && value[4] === 'T') return 5;
  return 0;
}

// "+03"/"-4": a signed hour offset from -23 to +23.
function signedOffset(value: string): number {
  const m = /^[+-]([0-9]+)/.exec(value);
  if (!m || Number(m[1]) > 23) return 0;
  return m[0].length;
}

function nanoseconds(value: string, nbytes: number): number {
  if (value[0] !== '.' && value[0] !== ',') throw new Bad();
  const ns = atoi(value.slice(1, Math.min(nbytes, 10)));
  if (ns < 0) throw new OutOfRange('fractional second');
  return ns * 10 ** (10 - Math.min(nbytes, 10));
}

/** time.ParseInLocation(layout, value, loc). */
export function parseInLocation(layout: string, value: string, loc: Location): Parsed {
  const alayout = layout;
  const avalue = value;
  const parseError = (layoutElem: string, valueElem: string): Parsed => ({
    error: `parsing time ${timeQuote(avalue)} as ${timeQuote(alayout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
  });
  const message = (msg: string): Parsed => ({ error: `parsing time ${timeQuote(avalue)}${msg}` });

  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Location | undefined;
  let zoneOffset = -1;
  let zoneName = '';
  let amSet = false;
  let pmSet = false;

  for (;;) {
    const { prefix, std, suffix } = nextStdChunk(layout);
    const stdstr = layout.slice(prefix.length, layout.length - suffix.length);
    try {
      value = skip(value, prefix);
    } catch {
      return parseError(prefix, value);
    }
    if (std === undefined) {
      if (value.length !== 0) return message(`: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = suffix;
    const hold = value;
    let rangeErr = '';
    try {
      ({ value, rangeErr } = parseStd(std, value, layout));
    } catch (e) {
      if (e instanceof OutOfRange) return message(`: ${e.message} out of range`);
      if (!(e instanceof Bad)) throw e;
      return parseError(stdstr, hold);
    }
    if (rangeErr !== '') return message(`: ${rangeErr} out of range`);
  }

  // Each field: consumes its text from value, sets the matching variable, and reports a
  // value out of range by name.
  function parseStd(std: Std, value: string, rest: string): { value: string; rangeErr: string } {
    let rangeErr = '';
    switch (std.kind) {
      case 'year': {
        if (value.length < 2) throw new Bad();
        year = atoi(value.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        value = value.slice(2);
        break;
      }
      case 'longYear':
        if (value.length < 4 || !isDigitAt(value, 0)) throw new Bad();
        year = atoi(value.slice(0, 4));
        value = value.slice(4);
        break;
      case 'month':
        [month, value] = lookup(MONTH_NAMES.map((m) => m.slice(0, 3)), value);
        month++;
        break;
      case 'longMonth':
        [month, value] = lookup(MONTH_NAMES, value);
        month++;
        break;
      case 'numMonth':
      case 'zeroMonth':
        [month, value] = getnum(value, std.kind === 'zeroMonth');
        if (month <= 0 || month > 12) rangeErr = 'month';
        break;
      case 'weekDay':
        [, value] = lookup(DAY_NAMES.map((d) => d.slice(0, 3)), value);
        break;
      case 'longWeekDay':
        [, value] = lookup(DAY_NAMES, value);
        break;
      case 'day':
      case 'underDay':
      case 'zeroDay':
        if (std.kind === 'underDay' && value[0] === ' ') value = value.slice(1);
        [day, value] = getnum(value, std.kind === 'zeroDay');
        break;
      case 'underYearDay':
      case 'zeroYearDay':
        if (std.kind === 'underYearDay') value = value.replace(/^ {1,2}/, '');
        [yday, value] = getnum3(value, std.kind === 'zeroYearDay');
        break;
      case 'hour':
        [hour, value] = getnum(value, false);
        if (hour >= 24) rangeErr = 'hour';
        break;
      case 'hour12':
      case 'zeroHour12':
        [hour, value] = getnum(value, std.kind === 'zeroHour12');
        if (hour > 12) rangeErr = 'hour';
        break;
      case 'minute':
      case 'zeroMinute':
        [min, value] = getnum(value, std.kind === 'zeroMinute');
        if (min >= 60) rangeErr = 'minute';
        break;
      case 'second':
      case 'zeroSecond': {
        [sec, value] = getnum(value, std.kind === 'zeroSecond');
        if (sec >= 60) {
          rangeErr = 'second';
          break;
        }
        // A fractional second in the value that the layout does not mention is accepted.
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
          const next = nextStdChunk(rest).std?.kind;
          if (next === 'fracSecond0' || next === 'fracSecond9') break;
          let n = 2;
          while (isDigitAt(value, n)) n++;
          nsec = nanoseconds(value, n);
          value = value.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (value.length < 2) throw new Bad();
        const p = value.slice(0, 2);
        value = value.slice(2);
        const [pm, am] = std.kind === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
        if (p === pm) pmSet = true;
        else if (p === am) amSet = true;
        else throw new Bad();
        break;
      }
      case 'TZ': {
        if (value.startsWith('UTC')) {
          z = UTC;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === 0) throw new Bad();
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case 'fracSecond0': {
        const ndigit = 1 + std.digits;
        if (value.length < ndigit) throw new Bad();
        nsec = nanoseconds(value, ndigit);
        value = value.slice(ndigit);
        break;
      }
      case 'fracSecond9': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
        let i = 0;
        while (isDigitAt(value, i + 1)) i++;
        nsec = nanoseconds(value, 1 + i);
        value = value.slice(1 + i);
        break;
      }
      default: {
        if (std.kind.startsWith('ISO') && value[0] === 'Z') {
          value = value.slice(1);
          z = UTC;
          break;
        }
        let parts: [string, string, string, string];
        const k = std.kind;
        if (k === 'ISO8601ColonTZ' || k === 'numColonTZ') {
          if (value.length < 6 || value[3] !== ':') throw new Bad();
          parts = [value[0]!, value.slice(1, 3), value.slice(4, 6), '00'];
          value = value.slice(6);
        } else if (k === 'numShortTZ' || k === 'ISO8601ShortTZ') {
          if (value.length < 3) throw new Bad();
          parts = [value[0]!, value.slice(1, 3), '00', '00'];
          value = value.slice(3);
        } else if (k === 'ISO8601ColonSecondsTZ' || k === 'numColonSecondsTZ') {
          if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw new Bad();
          parts = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
          value = value.slice(9);
        } else if (k === 'ISO8601SecondsTZ' || k === 'numSecondsTz') {
          if (value.length < 7) throw new Bad();
          parts = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
          value = value.slice(7);
        } else {
          if (value.length < 5) throw new Bad();
          parts = [value[0]!, value.slice(1, 3), value.slice(3, 5), '00'];
          value = value.slice(5);
        }
        const [sign, hh, mm, ss] = parts;
        // Go reads the three numbers, then checks ranges, and only then reports bad syntax.
        let bad = false;
        let [hr, mi, se] = [0, 0, 0];
        try {
          [hr] = getnum(hh, true);
          [mi] = getnum(mm, true);
          [se] = getnum(ss, true);
        } catch {
          bad = true;
        }
        // Offsets of 24 hours or 60 minutes or seconds do occur in the wild.
        if (hr > 24) rangeErr = 'time zone offset hour';
        if (mi > 60) rangeErr = 'time zone offset minute';
        if (se > 60) rangeErr = 'time zone offset second';
        zoneOffset = (hr * 60 + mi) * 60 + se;
        if (sign === '-') zoneOffset = -zoneOffset;
        else if (sign !== '+') bad = true;
        if (bad && rangeErr === '') throw new Bad();
      }
    }
    return { value, rangeErr };
  }

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) return message(': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (daysBefore(m + 1) < yday) m++;
      d = yday - daysBefore(m);
    }
    if (month >= 0 && month !== m) return message(': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) return message(': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) return message(': day out of range');

  if (z !== undefined) return { time: date(year, month, day, hour, min, sec, nsec, z) };
  if (zoneOffset !== -1) {
    const utc = date(year, month, day, hour, min, sec, nsec, UTC);
    const t = new GoTime(utc.sec - zoneOffset, utc.nsec, loc);
    // The value's offset names the location's zone if that zone was in effect then.
    const at = loc.lookup(t.sec);
    if (at.offset === zoneOffset && (zoneName === '' || at.name === zoneName)) return { time: t };
    return { time: t.in(fixedZone(zoneName, zoneOffset)) };
  }
  if (zoneName !== '') {
    const utc = date(year, month, day, hour, min, sec, nsec, UTC);
    const offset = loc.lookupName(zoneName, utc.sec);
    if (offset !== undefined) return { time: new GoTime(utc.sec - offset, utc.nsec, loc) };
    // An unknown abbreviation: a made-up zone, with the hours of "GMT+3" as its offset.
    const gmt = zoneName.length > 3 && zoneName.startsWith('GMT') ? Number(zoneName.slice(3)) * 3600 : 0;
    return { time: utc.in(fixedZone(zoneName, gmt)) };
  }
  return { time: date(year, month, day, hour, min, sec, nsec, loc) };
}
