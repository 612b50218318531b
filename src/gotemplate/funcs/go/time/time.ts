// Go's time.Time as a template value: an instant (Unix seconds and nanoseconds), a Location
// for printing, and for time.Now() a monotonic clock reading, which %v shows as "m=+0.0012".
// Templates reach it through sprig's date functions and call its methods (.Year, .Format...).
import { GoFunc, GoNumber, type GoStruct, type GoType, type GoValue } from '../../../value.js';
import { civilFromDays, daysFromCivil, DAY_NAMES, MONTH_NAMES, SECONDS_PER_DAY, weekday, yearDay } from './calendar.js';
import { formatLayout, pad, type WallClock } from './layout.js';
import { localLocation, UTC, type Location } from './zone.js';

const NS = 1000000000n;

/** time.Month and time.Weekday: named ints that print as their English names. */
class NamedInt implements GoStruct {
  constructor(
    readonly type: GoType,
    readonly value: number,
    private readonly name: string,
  ) {}
  field(): undefined {
    return undefined;
  }
  method(name: string): GoFunc | undefined {
    return name === 'String' ? new GoFunc('String', [], false, 'string', false, () => this.name) : undefined;
  }
  format(): string {
    return this.name;
  }
}

export class GoTime implements GoStruct {
  readonly type = 'time.Time';

  constructor(
    /** Seconds since 1970-01-01 UTC. */
    readonly sec: number,
    /** 0..999999999 */
    readonly nsec: number,
    readonly loc: Location,
    /** Monotonic clock reading in nanoseconds, only on times from time.Now(). */
    readonly mono?: bigint,
  ) {}

  wallClock(): WallClock {
    const zone = this.loc.lookup(this.sec);
    const local = this.sec + zone.offset;
    const days = Math.floor(local / SECONDS_PER_DAY);
    return {
      days,
      secondOfDay: local - days * SECONDS_PER_DAY,
      nanosecond: this.nsec,
      zoneName: zone.name,
      offset: zone.offset,
    };
  }

  formatLayout(layout: string): string {
    return formatLayout(this.wallClock(), layout);
  }

  /** Time.String. */
  format(): string {
    const s = this.formatLayout('2006-01-02 15:04:05.999999999 -0700 MST');
    if (this.mono === undefined) return s;
    const m = this.mono < 0n ? -this.mono : this.mono;
    return `${s} m=${this.mono < 0n ? '-' : '+'}${m / NS}.${pad(Number(m % NS), 9)}`;
  }

  unixNano(): bigint {
    return BigInt(this.sec) * NS + BigInt(this.nsec);
  }

  /** Time.Add; keeps the monotonic reading. */
  add(d: bigint): GoTime {
    const total = this.unixNano() + d;
    const sec = total / NS - (total % NS < 0n ? 1n : 0n);
    return new GoTime(Number(sec), Number(total - sec * NS), this.loc, this.mono === undefined ? undefined : this.mono + d);
  }

  /** Time.In; like every change of location it drops the monotonic reading. */
  in(loc: Location): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  /** t.Sub(u): monotonic readings when both have one, saturating at the int64 bounds. */
  sub(u: GoTime): bigint {
    const d = this.mono !== undefined && u.mono !== undefined ? this.mono - u.mono : this.unixNano() - u.unixNano();
    const max = (1n << 63n) - 1n;
    return d > max ? max : d < -max - 1n ? -max - 1n : d;
  }

  /** The text of Time.MarshalJSON (RFC 3339 with nanoseconds), or its error. */
  marshalText(): string | Error {
    const { year } = civilFromDays(this.wallClock().days);
    if (year < 0 || year > 9999) return new Error('Time.MarshalJSON: year outside of range [0,9999]');
    if (Math.abs(this.wallClock().offset) >= 24 * 3600) {
      return new Error('Time.MarshalJSON: timezone hour outside of range [0,23]');
    }
    return this.formatLayout('2006-01-02T15:04:05.999999999Z07:00');
  }

  field(): undefined {
    return undefined;
  }

  method(name: string): GoFunc | undefined {
    const m = timeMethods[name];
    return m && new GoFunc(name, m.params, false, m.result, false, (...args) => m.fn(this, ...args));
  }
}

interface Method {
  readonly params: GoType[];
  readonly result: GoType;
  readonly fn: (t: GoTime, ...args: GoValue[]) => GoValue;
}

const civil = (t: GoTime) => civilFromDays(t.wallClock().days);
const clock = (t: GoTime) => t.wallClock().secondOfDay;
const goInt64 = (n: bigint): GoNumber => new GoNumber('int64', BigInt.asIntN(64, n));

const timeMethods: Record<string, Method> = {
  String: { params: [], result: 'string', fn: (t) => t.format() },
  Format: { params: ['string'], result: 'string', fn: (t, layout) => t.formatLayout(layout as string) },
  Year: { params: [], result: 'int', fn: (t) => BigInt(civil(t).year) },
  Month: {
    params: [],
    result: 'time.Month',
    fn: (t) => new NamedInt('time.Month', civil(t).month, MONTH_NAMES[civil(t).month - 1]!),
  },
  Day: { params: [], result: 'int', fn: (t) => BigInt(civil(t).day) },
  Weekday: {
    params: [],
    result: 'time.Weekday',
    fn: (t) => {
      const d = weekday(t.wallClock().days);
      return new NamedInt('time.Weekday', d, DAY_NAMES[d]!);
    },
  },
  YearDay: { params: [], result: 'int', fn: (t) => BigInt(yearDay(t.wallClock().days)) },
  Hour: { params: [], result: 'int', fn: (t) => BigInt(Math.floor(clock(t) / 3600)) },
  Minute: { params: [], result: 'int', fn: (t) => BigInt(Math.floor(clock(t) / 60) % 60) },
  Second: { params: [], result: 'int', fn: (t) => BigInt(clock(t) % 60) },
  Nanosecond: { params: [], result: 'int', fn: (t) => BigInt(t.nsec) },
  Unix: { params: [], result: 'int64', fn: (t) => goInt64(BigInt(t.sec)) },
  UnixMilli: { params: [], result: 'int64', fn: (t) => goInt64(t.unixNano() / 1000000n) },
  UnixMicro: { params: [], result: 'int64', fn: (t) => goInt64(t.unixNano() / 1000n) },
  UnixNano: { params: [], result: 'int64', fn: (t) => goInt64(t.unixNano()) },
  UTC: { params: [], result: 'time.Time', fn: (t) => t.in(UTC) },
  Local: { params: [], result: 'time.Time', fn: (t) => t.in(localLocation()) },
  IsZero: { params: [], result: 'bool', fn: (t) => t.sec === ZERO_SEC && t.nsec === 0 },
  Before: { params: ['time.Time'], result: 'bool', fn: (t, u) => t.unixNano() < (u as GoTime).unixNano() },
  After: { params: ['time.Time'], result: 'bool', fn: (t, u) => t.unixNano() > (u as GoTime).unixNano() },
  Equal: { params: ['time.Time'], result: 'bool', fn: (t, u) => t.unixNano() === (u as GoTime).unixNano() },
  AddDate: {
    params: ['int', 'int', 'int'],
    result: 'time.Time',
    fn: (t, years, months, days) => {
      const { year, month, day } = civil(t);
      const s = clock(t);
      return date(
        year + Number(years as bigint), month + Number(months as bigint), day + Number(days as bigint),
        Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60, t.nsec, t.loc,
      );
    },
  },
};

/** Unix seconds of Go's zero Time, January 1 of year 1, UTC. */
const ZERO_SEC = daysFromCivil(1, 1, 1) * SECONDS_PER_DAY;

/** time.Time{}. */
export const zeroTime = (): GoTime => new GoTime(ZERO_SEC, 0, UTC);

/**
 * time.Date: the instant at which loc's wall clock shows the given fields; fields out of
 * range carry over (month 13 is January next year).
 */
export function date(
  year: number, month: number, day: number,
  hour: number, min: number, sec: number, nsec: number, loc: Location,
): GoTime {
  const carry = Math.floor(nsec / 1e9);
  nsec -= carry * 1e9;
  let unix = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + min * 60 + sec + carry;
  // Look the offset up as if the wall clock were UTC, then again if that lands across a
  // transition from the zone found, as Go does.
  const guess = loc.lookup(unix);
  if (guess.offset !== 0) {
    const utc = unix - guess.offset;
    const offset = utc < guess.start || utc >= guess.end ? loc.lookup(utc).offset : guess.offset;
    unix -= offset;
  }
  return new GoTime(unix, nsec, loc);
}

/** time.Unix(sec, 0), in the local zone. */
export const unixTime = (sec: number): GoTime => new GoTime(sec, 0, localLocation());

// The wall clock is read once and advanced by the monotonic clock, which gives Now()
// nanosecond resolution and a monotonic reading counted from process start, like Go's.
const wallAtStart = BigInt(Date.now()) * 1000000n;
const monoAtStart = process.hrtime.bigint();

/** time.Now(). */
export function now(): GoTime {
  const mono = process.hrtime.bigint() - monoAtStart;
  const ns = wallAtStart + mono;
  return new GoTime(Number(ns / NS), Number(ns % NS), localLocation(), mono);
}
