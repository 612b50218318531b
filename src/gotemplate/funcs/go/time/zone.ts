// Go's time.Location: zones read from the system's TZif files the way Go's LoadLocation reads
// them, including the POSIX TZ rule at the end of a file for times past its last transition.
// JavaScript's Intl knows offsets but not the abbreviations Go prints ("CET", not "GMT+1").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { daysBefore, daysIn, isLeap, SECONDS_PER_DAY, civilFromDays, yearDay } from './calendar.js';

interface Zone {
  readonly name: string;
  readonly offset: number; // seconds east of UTC
  readonly isDST: boolean;
}

interface Transition {
  readonly when: number; // Unix seconds
  readonly index: number;
}

export interface ZoneAt {
  readonly name: string;
  readonly offset: number;
  /** The span [start, end) of Unix seconds over which this zone applies. */
  readonly start: number;
  readonly end: number;
}

const ALPHA = -Number.MAX_VALUE;
const OMEGA = Number.MAX_VALUE;

export class Location {
  constructor(
    readonly name: string,
    private readonly zones: readonly Zone[],
    private readonly tx: readonly Transition[],
    private readonly extend: string = '',
  ) {}

  /** The same zones under another name (Go names the TZ-selected zone "Local"). */
  renamed(name: string): Location {
    return new Location(name, this.zones, this.tx, this.extend);
  }

  /** The zone in effect at Unix second sec. */
  lookup(sec: number): ZoneAt {
    if (this.zones.length === 0) return { name: 'UTC', offset: 0, start: ALPHA, end: OMEGA };
    const first = this.tx[0];
    if (first === undefined || sec < first.when) {
      const z = this.zones[this.firstZone()] ?? this.zones[0]!;
      return { name: z.name, offset: z.offset, start: ALPHA, end: first?.when ?? OMEGA };
    }
    let lo = 0;
    let hi = this.tx.length;
    let end = OMEGA;
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      const lim = this.tx[m]!.when;
      if (sec < lim) {
        end = lim;
        hi = m;
      } else lo = m;
    }
    const t = this.tx[lo]!;
    const z = this.zones[t.index]!;
    if (lo === this.tx.length - 1 && this.extend !== '') {
      const rule = tzset(this.extend, t.when, sec);
      if (rule) return rule;
    }
    return { name: z.name, offset: z.offset, start: t.when, end };
  }

  /** The offset a zone abbreviation had around sec, if this location uses it (for Parse). */
  lookupName(name: string, sec: number): number | undefined {
    for (const z of this.zones) {
      if (z.name === name) {
        const at = this.lookup(sec - z.offset);
        if (at.name === z.name) return at.offset;
      }
    }
    return this.zones.find((z) => z.name === name)?.offset;
  }

  // The zone for times before the first transition: Go's lookupFirstZone.
  private firstZone(): number {
    if (!this.tx.some((t) => t.index === 0)) return 0;
    const first = this.tx[0];
    if (first !== undefined && this.zones[first.index]?.isDST) {
      for (let zi = first.index - 1; zi >= 0; zi--) if (!this.zones[zi]?.isDST) return zi;
    }
    const std = this.zones.findIndex((z) => !z.isDST);
    return std < 0 ? 0 : std;
  }
}

export const UTC = new Location('UTC', [], []);

/** time.FixedZone. */
export const fixedZone = (name: string, offset: number): Location =>
  new Location(name, [{ name, offset, isDST: false }], [{ when: ALPHA, index: 0 }]);

/** Parses TZif data (RFC 8536) as LoadLocationFromTZData does; undefined if malformed. */
export function locationFromTZData(name: string, data: Buffer): Location | undefined {
  if (data.length < 44 || data.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const version = data[4] ?? 0;
  const counts = (at: number): number[] => [0, 1, 2, 3, 4, 5].map((k) => data.readUInt32BE(at + 20 + 4 * k));
  let at = 0;
  let [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = counts(at);
  let is64 = false;
  if (version !== 0) {
    // Skip the 32-bit block: the 64-bit one after it covers all of time.
    at = 44 + timecnt! * 5 + typecnt! * 6 + charcnt! + leapcnt! * 8 + isstdcnt! + isutcnt!;
    if (data.toString('latin1', at, at + 4) !== 'TZif') return undefined;
    [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = counts(at);
    is64 = true;
  }
  let p = at + 44;
  const whens: number[] = [];
  for (let i = 0; i < timecnt!; i++, p += is64 ? 8 : 4) {
    whens.push(is64 ? Number(data.readBigInt64BE(p)) : data.readInt32BE(p));
  }
  const indexes = [...data.subarray(p, p + timecnt!)];
  p += timecnt!;
  const rawZones: Array<{ offset: number; isDST: boolean; abbr: number }> = [];
  for (let i = 0; i < typecnt!; i++, p += 6) {
    rawZones.push({ offset: data.readInt32BE(p), isDST: data[p + 4] !== 0, abbr: data[p + 5] ?? 0 });
  }
  const abbrevs = data.subarray(p, p + charcnt!);
  p += charcnt! + leapcnt! * (is64 ? 12 : 8) + isstdcnt! + isutcnt!;
  if (typecnt === 0) return undefined;
  const zones = rawZones.map((z) => {
    const endAt = abbrevs.indexOf(0, z.abbr);
    return { name: abbrevs.toString('latin1', z.abbr, endAt < 0 ? undefined : endAt), offset: z.offset, isDST: z.isDST };
  });
  if (indexes.some((i) => i >= zones.length)) return undefined;
  const tx = whens.map((when, i) => ({ when, index: indexes[i] ?? 0 }));
  if (tx.length === 0) tx.push({ when: ALPHA, index: 0 });
  let extend = '';
  if (is64 && data[p] === 0x0a) {
    const close = data.indexOf(0x0a, p + 1);
    if (close > 0) extend = data.toString('latin1', p + 1, close);
  }
  return new Location(name, zones, tx, extend);
}

const zoneDirs = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo/'];

const loaded = new Map<string, Location | undefined>();

// Zone files do not change while debstep runs; read each once.
function loadFrom(name: string, dirs: readonly string[]): Location | undefined {
  const key = `${dirs.join(':')}|${name}`;
  if (!loaded.has(key)) loaded.set(key, readZone(name, dirs));
  return loaded.get(key);
}

function readZone(name: string, dirs: readonly string[]): Location | undefined {
  for (const dir of dirs) {
    try {
      const loc = locationFromTZData(name, readFileSync(join(dir, name)));
      if (loc) return loc;
    } catch {
      // Not in this directory; Go tries the next.
    }
  }
  return undefined;
}

let local: Location | undefined;

/** time.Local, from TZ as Go reads it: unset means /etc/localtime, empty means UTC. */
export function localLocation(): Location {
  local ??= readLocal();
  return local;
}

function readLocal(): Location {
  let tz = process.env['TZ'];
  if (tz === undefined) return loadFrom('localtime', ['/etc'])?.renamed('Local') ?? UTC;
  if (tz.startsWith(':')) tz = tz.slice(1);
  if (tz.startsWith('/')) {
    return loadFrom(tz, [''])?.renamed(tz === '/etc/localtime' ? 'Local' : tz) ?? UTC;
  }
  if (tz !== '' && tz !== 'UTC') return loadFrom(tz, zoneDirs) ?? UTC;
  return UTC;
}

/** time.LoadLocation; undefined where Go returns an error. */
export function loadLocation(name: string): Location | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return localLocation();
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) return undefined;
  const env = process.env['ZONEINFO'];
  return (env ? loadFrom(name, [env]) : undefined) ?? loadFrom(name, zoneDirs);
}

// The POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3") for a time after the last transition.
interface Rule {
  readonly kind: 'julian' | 'doy' | 'mwd';
  readonly day: number;
  readonly week: number;
  readonly mon: number;
  readonly time: number;
}

function tzset(s: string, lastTx: number, sec: number): ZoneAt | undefined {
  const std = tzsetName(s);
  if (!std) return undefined;
  const stdOff = tzsetOffset(std.rest);
  if (!stdOff) return undefined;
  let stdName = std.name;
  // TZ offsets are added to local time to get UTC; ours are the other way round.
  let stdOffset = -stdOff.value;
  s = stdOff.rest;
  if (s === '' || s.startsWith(',')) return { name: stdName, offset: stdOffset, start: lastTx, end: OMEGA };
  const dst = tzsetName(s);
  if (!dst) return undefined;
  let dstName = dst.name;
  let dstOffset: number;
  s = dst.rest;
  if (s === '' || s.startsWith(',')) dstOffset = stdOffset + 3600;
  else {
    const off = tzsetOffset(s);
    if (!off) return undefined;
    dstOffset = -off.value;
    s = off.rest;
  }
  if (s === '') s = ',M3.2.0,M11.1.0';
  if (s[0] !== ',' && s[0] !== ';') return undefined;
  const startRule = tzsetRule(s.slice(1));
  if (!startRule || !startRule.rest.startsWith(',')) return undefined;
  const endRule = tzsetRule(startRule.rest.slice(1));
  if (!endRule || endRule.rest !== '') return undefined;

  const days = Math.floor(sec / SECONDS_PER_DAY);
  const year = civilFromDays(days).year;
  const ysec = (yearDay(days) - 1) * SECONDS_PER_DAY + (sec % SECONDS_PER_DAY);
  const ystart = sec - ysec;
  let startSec = ruleTime(year, startRule.rule, stdOffset);
  let endSec = ruleTime(year, endRule.rule, dstOffset);
  // Southern hemisphere: "DST" starts later in the year than it ends.
  if (endSec < startSec) {
    [startSec, endSec] = [endSec, startSec];
    [stdName, dstName] = [dstName, stdName];
    [stdOffset, dstOffset] = [dstOffset, stdOffset];
  }
  if (ysec < startSec) return { name: stdName, offset: stdOffset, start: ystart, end: startSec + ystart };
  if (ysec >= endSec) {
    return { name: stdName, offset: stdOffset, start: endSec + ystart, end: ystart + 365 * SECONDS_PER_DAY };
  }
  return { name: dstName, offset: dstOffset, start: startSec + ystart, end: endSec + ystart };
}

function tzsetName(s: string): { name: string; rest: string } | undefined {
  if (s === '') return undefined;
  if (s[0] === '<') {
    const close = s.indexOf('>');
    return close < 0 ? undefined : { name: s.slice(1, close), rest: s.slice(close + 1) };
  }
  const i = s.search(/[0-9,+-]/);
  if (i < 0) return s.length < 3 ? undefined : { name: s, rest: '' };
  return i < 3 ? undefined : { name: s.slice(0, i), rest: s.slice(i) };
}

function tzsetOffset(s: string): { value: number; rest: string } | undefined {
  const m = /^([+-]?)(\d+)(?::(\d+)(?::(\d+))?)?/.exec(s);
  if (!m) return undefined;
  const [all, sign, h = '', mm, ss] = m;
  if (Number(h) > 24 * 7 || Number(mm ?? 0) > 59 || Number(ss ?? 0) > 59) return undefined;
  const value = Number(h) * 3600 + Number(mm ?? 0) * 60 + Number(ss ?? 0);
  return { value: sign === '-' ? -value : value, rest: s.slice(all.length) };
}

function tzsetRule(s: string): { rule: Rule; rest: string } | undefined {
  let m: RegExpExecArray | null;
  let rule: Omit<Rule, 'time'>;
  if ((m = /^J(\d+)/.exec(s)) && Number(m[1]) >= 1 && Number(m[1]) <= 365) {
    rule = { kind: 'julian', day: Number(m[1]), week: 0, mon: 0 };
  } else if ((m = /^M(\d+)\.(\d+)\.(\d+)/.exec(s))) {
    const [mon, week, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mon < 1 || mon > 12 || week < 1 || week > 5 || day > 6) return undefined;
    rule = { kind: 'mwd', day, week, mon };
  } else if ((m = /^(\d+)/.exec(s)) && Number(m[1]) <= 365) {
    rule = { kind: 'doy', day: Number(m[1]), week: 0, mon: 0 };
  } else return undefined;
  let rest = s.slice(m[0].length);
  let time = 2 * 3600;
  if (rest.startsWith('/')) {
    const off = tzsetOffset(rest.slice(1));
    if (!off) return undefined;
    time = off.value;
    rest = off.rest;
  }
  return { rule: { ...rule, time }, rest };
}

// Seconds from the start of the year at which the rule fires, in UTC.
function ruleTime(year: number, r: Rule, offset: number): number {
  let s: number;
  if (r.kind === 'julian') {
    s = (r.day - 1) * SECONDS_PER_DAY + (isLeap(year) && r.day >= 60 ? SECONDS_PER_DAY : 0);
  } else if (r.kind === 'doy') {
    s = r.day * SECONDS_PER_DAY;
  } else {
    // Zeller's congruence: the weekday of the first of the month.
    const m1 = ((r.mon + 9) % 12) + 1;
    const yy0 = r.mon <= 2 ? year - 1 : year;
    const yy1 = Math.trunc(yy0 / 100);
    const yy2 = yy0 % 100;
    let dow = (Math.trunc((26 * m1 - 2) / 10) + 1 + yy2 + Math.trunc(yy2 / 4) + Math.trunc(yy1 / 4) - 2 * yy1) % 7;
    if (dow < 0) dow += 7;
    let d = r.day - dow;
    if (d < 0) d += 7;
    for (let i = 1; i < r.week; i++) {
      if (d + 7 >= daysIn(r.mon, year)) break;
      d += 7;
    }
    d += daysBefore(r.mon) + (isLeap(year) && r.mon > 2 ? 1 : 0);
    s = d * SECONDS_PER_DAY;
  }
  return s + r.time - offset;
}
