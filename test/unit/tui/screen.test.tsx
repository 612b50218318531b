import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { Text, useInput } from '../../../src/tui/ink.js';
import { Screen } from '../../../src/tui/screen.js';
import { FakeTty } from '../../helpers/fake-tty.js';
import { until } from './harness.js';
import { type PtySession } from '../../../src/util/pty.js';

function io() {
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream & { isRaw: boolean; rawModes: boolean[] };
  Object.assign(stdin, { isTTY: true, isRaw: false, rawModes: [], setRawMode: (raw: boolean) => ((stdin.isRaw = raw), stdin.rawModes.push(raw), stdin), ref: () => stdin, unref: () => stdin });
  const stdout = new FakeTty(60, 10);
  return { stdin, stdout, stderr: stdout as unknown as NodeJS.WriteStream };
}

/** A shell that exits by itself soon after it starts. */
function briefPty(): PtySession {
  return { onData: () => {}, onExit: (l) => void setTimeout(() => l(0), 5), write: () => {}, resize: () => {}, kill: () => {} };
}

/** Reads keys, as the debugger does: Ink puts the terminal in raw mode for it. */
function Keys({ label }: { label: string }) {
  useInput(() => {});
  return <Text>{label}</Text>;
}

const ENTER = '\x1b[?1049h';
const LEAVE = '\x1b[?1049l';

test('the screen takes the alternate screen, hands the terminal over whole, and takes it back', async (t) => {
  const { stdin, stdout, stderr } = io();
  let mounts = 0;
  const screen = new Screen(() => {
    mounts++;
    return <Keys label="the debugger" />;
  }, { stdin, stdout: stdout as unknown as NodeJS.WriteStream, stderr }, (err) => assert.fail(err));
  t.after(() => screen.close());
  screen.open();
  await until(() => stdout.out.includes('the debugger'), 'the first frame');
  assert.ok(stdout.out.startsWith(ENTER));
  assert.equal(stdin.isRaw, true);

  stdout.out = '';
  const status = await screen.handOver(async (tty) => {
    assert.ok(stdout.out.includes(LEAVE), 'the normal screen shows while the shell runs');
    assert.equal(stdin.isRaw, false, 'the debugger let go of raw mode');
    tty.print(['banner line']);
    const during = stdout.out;
    const s = await tty.attach(briefPty());
    assert.doesNotMatch(during, /the debugger/, 'nothing is drawn over the shell');
    return s;
  });
  assert.equal(status, 0);
  assert.match(stdout.out, /banner line\r\n/);
  await until(() => stdout.out.lastIndexOf('the debugger') > stdout.out.lastIndexOf(ENTER), 'the debugger drawn again');
  assert.equal(mounts, 2, 'mounted again after the hand-over');
  assert.equal(stdin.isRaw, true, 'raw mode is back for the debugger');

  stdout.out = '';
  screen.close();
  assert.ok(stdout.out.includes(LEAVE));
});

test('closing while a shell has the terminal ends the shell and does not come back', async () => {
  const { stdin, stdout, stderr } = io();
  let mounts = 0;
  const screen = new Screen(() => {
    mounts++;
    return <Text>x</Text>;
  }, { stdin, stdout: stdout as unknown as NodeJS.WriteStream, stderr }, (err) => assert.fail(err));
  screen.open();
  let killed = false;
  let exit: ((s: number | null) => void) | undefined;
  const stuck: PtySession = { onData: () => {}, onExit: (l) => void (exit = l), write: () => {}, resize: () => {}, kill: () => ((killed = true), exit?.(null)) };
  const handed = screen.handOver((tty) => tty.attach(stuck));
  await until(() => exit !== undefined, 'the shell attached');
  screen.close();
  assert.equal(await handed, null);
  assert.equal(killed, true);
  assert.equal(mounts, 1, 'not mounted again after close');
});
