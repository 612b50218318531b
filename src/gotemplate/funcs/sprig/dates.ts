// sprig's date functions over Go's time.Time. Formats are Go layouts ("2006-01-02"). A date
// argument may be a time.Time or Unix seconds as int (also int64/int32 for some functions);
// anything else means "now", as in sprig.
import { GoFuncError, GoNumber, type GoFunc, type GoValue } from '../../value.js';
import { aliases, asString, defineFunc } from '../define.js';
import { parseInt } from '../go/strconv.js';
import { durationString, HOUR, MINUTE, parseDuration, roundDuration, SECOND } from '../go/time/duration.js';
import { parseInLocation } from '../go/time/parse.js';
import { GoTime, now, unixTime, zeroTime } from '../go/time/time.js';
import { loadLocation, localLocation, UTC } from '../go/time/zone.js';

const int64Value = (v: GoValue, types: readonly string[]): bigint | undefined => {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoNumber && types.includes(v.type)) return v.value as bigint;
  return undefined;
};

// The time a date argument stands for; `unixTypes` are the sized ints the function accepts
// besides int.
function asTime(v: GoValue, unixTypes: readonly string[]): GoTime {
  if (v instanceof GoTime) return v;
  const sec = int64Value(v, unixTypes);
  return sec === undefined ? now() : unixTime(Number(sec));
}

function dateInZone(layout: GoValue, date: GoValue, zone: GoValue): string {
  const loc = loadLocation(asString(zone)) ?? UTC;
  return asTime(date, ['int64', 'int32']).in(loc).formatLayout(asString(layout));
}

// durationRound: a duration as its largest whole unit, "2h" or "3mo".
function roundToUnit(d: bigint): string {
  const u = d < 0n ? -d : d;
  const day = 24n * HOUR;
  const units: Array<[bigint, string]> = [
    [365n * day, 'y'], [30n * day, 'mo'], [day, 'd'], [HOUR, 'h'], [MINUTE, 'm'], [SECOND, 's'],
  ];
  for (const [size, name] of units) if (u > size) return `${u / size}${name}`;
  return '0s';
}

function toDuration(v: GoValue): bigint {
  if (typeof v === 'string') {
    const parsed = parseDuration(v);
    return 'value' in parsed ? parsed.value : 0n;
  }
  if (v instanceof GoNumber && v.type === 'int64') return v.value as bigint;
  if (v instanceof GoTime) return now().sub(v);
  return 0n;
}

function modify(spec: GoValue, date: GoValue, must: boolean): GoTime {
  const parsed = parseDuration(asString(spec));
  if ('value' in parsed) return (date as GoTime).add(parsed.value);
  if (must) throw new GoFuncError(parsed.error);
  return date as GoTime;
}

function toDate(layout: GoValue, value: GoValue, must: boolean): GoTime {
  const parsed = parseInLocation(asString(layout), asString(value), localLocation());
  if ('time' in parsed) return parsed.time;
  if (must) throw new GoFuncError(parsed.error);
  return zeroTime();
}

export const dateFuncs: readonly GoFunc[] = [
  defineFunc('now', 'func() time.Time', now),
  defineFunc('ago', 'func(date interface{}) string', (date) =>
    durationString(roundDuration(now().sub(asTime(date, ['int64'])), SECOND)),
  ),
  defineFunc('date', 'func(fmt string, date interface{}) string', (layout, date) =>
    dateInZone(layout, date, 'Local'),
  ),
  ...aliases(['dateInZone', 'date_in_zone'], 'func(fmt string, date interface{}, zone string) string',
    dateInZone),
  defineFunc('htmlDate', 'func(date interface{}) string', (date) =>
    dateInZone('2006-01-02', date, 'Local'),
  ),
  defineFunc('htmlDateInZone', 'func(date interface{}, zone string) string', (date, zone) =>
    dateInZone('2006-01-02', date, zone),
  ),
  ...aliases(['dateModify', 'date_modify'], 'func(fmt string, date time.Time) time.Time',
    (spec, date) => modify(spec, date, false)),
  ...aliases(['mustDateModify', 'must_date_modify'], 'func(fmt string, date time.Time) (time.Time, error)',
    (spec, date) => modify(spec, date, true)),
  // sprig's duration takes seconds as a string or an int64; a plain int counts as 0.
  defineFunc('duration', 'func(sec interface{}) string', (sec) => {
    let n = 0n;
    // sprig ignores ParseInt's error, which comes with a clamped value on overflow.
    if (typeof sec === 'string') n = parseInt(sec, 10, 64).value;
    else if (sec instanceof GoNumber && sec.type === 'int64') n = sec.value as bigint;
    return durationString(BigInt.asIntN(64, n * SECOND));
  }),
  defineFunc('durationRound', 'func(duration interface{}) string', (d) => roundToUnit(toDuration(d))),
  defineFunc('toDate', 'func(fmt, str string) time.Time', (layout, value) => toDate(layout, value, false)),
  defineFunc('mustToDate', 'func(fmt, str string) (time.Time, error)', (layout, value) =>
    toDate(layout, value, true),
  ),
  defineFunc('unixEpoch', 'func(date time.Time) string', (date) => String((date as GoTime).sec)),
];
