// sprig's date functions and the Go time port behind them, for what golden files cannot pin
// down: the local zone (from TZ, set here before first use), now, ago, and zone data.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoNumber } from '../value.js';
import { durationString, parseDuration, roundDuration, SECOND } from '../funcs/go/time/duration.js';
import { parseInLocation } from '../funcs/go/time/parse.js';
import { date, GoTime, now } from '../funcs/go/time/time.js';
import { fixedZone, loadLocation, locationFromTZData, UTC } from '../funcs/go/time/zone.js';
import { call, callError } from './sprig-call.js';

// Go reads TZ once, at the first use of the local zone; so does the port.
process.env['TZ'] = 'Asia/Kolkata';

describe('the local zone', () => {
  test('date and htmlDate format in the local zone', () => {
    assert.equal(call('date', '2006-01-02 15:04 MST', 0n), '1970-01-01 05:30 IST');
    assert.equal(call('htmlDate', -19800n), '1970-01-01');
    assert.equal(call('dateInZone', '15:04 MST', 0n, 'Local'), '05:30 IST');
  });
  test('toDate reads a time without zone as local time', () => {
    assert.equal(call('unixEpoch', call('toDate', '2006-01-02 15:04', '2024-01-01 00:00')), '1704047400');
  });
  test('a parsed offset that matches the local zone takes its name', () => {
    const t = call('toDate', '2006-01-02 15:04 -0700', '2024-01-01 00:00 +0530') as GoTime;
    assert.equal(t.format(), '2024-01-01 00:00:00 +0530 IST');
  });
  test('int32 Unix seconds are accepted by date, not by ago', () => {
    assert.equal(call('date', '2006', new GoNumber('int32', 0n)), '1970');
  });
});

describe('now and ago', () => {
  test('now has nanoseconds and a monotonic reading that %v prints', () => {
    const a = now();
    const b = now();
    assert.ok(a.mono !== undefined && b.mono !== undefined && b.mono >= a.mono);
    assert.ok(b.unixNano() >= a.unixNano());
    assert.match(a.format(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0530 IST m=\+\d+\.\d{9}$/);
    assert.ok(Math.abs(a.sec - Date.now() / 1000) < 5);
  });
  test('Add keeps the monotonic reading, In and UTC drop it', () => {
    const t = now();
    assert.equal(t.add(SECOND).mono, (t.mono ?? 0n) + SECOND);
    assert.equal(t.in(UTC).mono, undefined);
    assert.doesNotMatch((call('dateModify', '1h', t) as GoTime).in(UTC).format(), /m=/);
  });
  test('ago rounds to the second', () => {
    assert.equal(call('ago', now().add(-90n * SECOND)), '1m30s');
    assert.equal(call('ago', now().add(3600n * SECOND)), '-1h0m0s');
    assert.match(call('ago', 0n) as string, /^\d+h\d+m\d+s$/);
    assert.match(call('ago', 'not a time') as string, /^0s$/);
  });
  test('durationRound of a time measures from now', () => {
    assert.equal(call('durationRound', now().add(-49n * 3600n * SECOND)), '2d');
  });
});

describe('durations', () => {
  test('String and ParseDuration agree', () => {
    for (const s of ['1h2m3.5s', '1.5µs', '999ns', '-2m0.001s', '2562047h47m16.854775807s', '0s']) {
      const parsed = parseDuration(s);
      assert.ok('value' in parsed, s);
      assert.equal(durationString(parsed.value), s);
    }
  });
  test('both micro signs are accepted', () => {
    assert.deepEqual(parseDuration('3μs'), parseDuration('3us'));
  });
  test('errors quote with \\x escapes', () => {
    assert.deepEqual(parseDuration('1d'), { error: 'time: unknown unit "d" in duration "1d"' });
    assert.deepEqual(parseDuration('é'), { error: 'time: invalid duration "\\xc3\\xa9"' });
    assert.deepEqual(parseDuration('9223372036854775808ns'), { error: 'time: invalid duration "9223372036854775808ns"' });
    assert.ok('value' in parseDuration('-9223372036854775808ns'));
  });
  test('Round goes half away from zero and saturates', () => {
    assert.equal(roundDuration(1500000000n, SECOND), 2000000000n);
    assert.equal(roundDuration(-1500000000n, SECOND), -2000000000n);
    assert.equal(roundDuration(9223372036854775807n, 2n * SECOND), 9223372036000000000n);
    assert.equal(roundDuration(9223372036854775807n, 10n), 9223372036854775807n);
    assert.equal(roundDuration(-9223372036854775807n, 10n), -9223372036854775808n);
  });
});

describe('zones', () => {
  test('LoadLocation refuses paths that leave the zone directory', () => {
    assert.equal(loadLocation('../etc/passwd'), undefined);
    assert.equal(loadLocation('/etc/localtime'), undefined);
    assert.equal(loadLocation('No/Such_Zone'), undefined);
    assert.equal(loadLocation(''), UTC);
  });
  test('times past the last transition follow the POSIX rule in the file', () => {
    const ny = loadLocation('America/New_York');
    assert.ok(ny);
    const july2100 = date(2100, 7, 1, 12, 0, 0, 0, ny);
    const jan2100 = date(2100, 1, 1, 12, 0, 0, 0, ny);
    assert.equal(july2100.formatLayout('MST -0700'), 'EDT -0400');
    assert.equal(jan2100.formatLayout('MST -0700'), 'EST -0500');
  });
  test('Date resolves wall times in a DST gap and overlap as Go does', () => {
    const berlin = loadLocation('Europe/Berlin');
    assert.ok(berlin);
    // 02:30 does not exist on 2024-03-31; Go moves it forward with the offset before the gap.
    assert.equal(date(2024, 3, 31, 2, 30, 0, 0, berlin).formatLayout('15:04 MST'), '03:30 CEST');
    // 02:30 happens twice on 2024-10-27; Go's lookup lands on the second, in standard time.
    assert.equal(date(2024, 10, 27, 2, 30, 0, 0, berlin).formatLayout('15:04 MST'), '02:30 CET');
  });
  test('malformed zone data is rejected', () => {
    assert.equal(locationFromTZData('x', Buffer.from('TZif2 not really')), undefined);
    assert.equal(locationFromTZData('x', Buffer.alloc(60)), undefined);
  });
  test('a fixed zone without a name prints its offset for MST', () => {
    assert.equal(new GoTime(0, 0, fixedZone('', -9000)).formatLayout('15:04 MST'), '21:30 -0230');
  });
  test('parsing an abbreviation of the given location uses its offset', () => {
    const ny = loadLocation('America/New_York');
    assert.ok(ny);
    const parsed = parseInLocation('2006-01-02 15:04 MST', '2024-07-01 12:00 EDT', ny);
    assert.ok('time' in parsed);
    assert.equal(parsed.time.in(UTC).formatLayout('15:04'), '16:00');
  });
});

test('time methods', () => {
  const t = call('toDate', '2006-01-02T15:04:05Z07:00', '2024-12-31T23:59:59Z') as GoTime;
  const m = (name: string, ...args: Parameters<NonNullable<ReturnType<GoTime['method']>>['fn']>) => t.method(name)?.fn(...args);
  assert.equal(m('YearDay'), 366n);
  assert.equal((m('Weekday') as { format(): string }).format(), 'Tuesday');
  assert.equal((m('Month') as { format(): string }).format(), 'December');
  assert.deepEqual(m('UnixMilli'), new GoNumber('int64', 1735689599000n));
  assert.equal((m('AddDate', 0n, 0n, 1n) as GoTime).formatLayout('2006-01-02'), '2025-01-01');
  assert.equal(t.method('NoSuchMethod'), undefined);
});

test('mustToDate and mustDateModify return Go errors', () => {
  assert.equal(callError('mustToDate', '2006', 'x'), 'parsing time "x" as "2006": cannot parse "x" as "2006"');
  assert.equal(callError('mustDateModify', '1y', now()), 'time: unknown unit "y" in duration "1y"');
});
