// The host end of the control channel against a scripted guest on the other end of the
// socket: routing by id, streamed output, errors, shells, and a guest that dies.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BuildError } from '../../../src/core/errors.js';
import { ControlChannel } from '../../../src/vm/qemu/control-channel.js';
import { FrameDecoder, encodeFrame } from '../../../src/vm/qemu/framing.js';
import { type GuestMessage, type HostMessage, checkWith, hostMessageSchema } from '../../../src/vm/qemu/protocol.js';

/** A channel and a fake guest connected to it, answering requests with `reply`. */
async function connected(t: { after: (fn: () => Promise<void>) => void }, reply: (m: HostMessage, send: (g: GuestMessage) => void) => void) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-channel-test-'));
  const logs: string[] = [];
  const channel = await ControlChannel.listen(join(dir, 'control.sock'), (m) => logs.push(m));
  const guest: Socket = connect(join(dir, 'control.sock'));
  const send = (g: GuestMessage) => void guest.write(encodeFrame(g));
  const received: HostMessage[] = [];
  const decoder = new FrameDecoder<HostMessage>(checkWith(hostMessageSchema), (m) => {
    received.push(m);
    reply(m, send);
  }, (why) => logs.push(`guest saw a bad frame: ${why}`));
  guest.setEncoding('utf8');
  guest.on('data', (chunk: string) => decoder.push(chunk));
  t.after(async () => {
    guest.destroy();
    await channel.close();
    await rm(dir, { recursive: true, force: true });
  });
  send({ type: 'ready', kernel: '6.1.0-test', uptime: 1.5, agentLoaded: 0.9, agentUptime: 1 });
  assert.deepEqual(await channel.ready, { kernel: '6.1.0-test', uptime: 1.5, agentLoaded: 0.9, agentUptime: 1 });
  return { channel, send, received, logs, guest };
}

test('an exec streams its output in order and resolves with its exit', async (t) => {
  const { channel } = await connected(t, (m, send) => {
    if (m.type !== 'exec') return;
    send({ type: 'output', id: m.id, lines: [['stdout', `argv ${m.argv.join(' ')}`], ['stderr', `env ${m.env?.FOO}`]] });
    send({ type: 'output', id: m.id, lines: [['stdout', 'last']] });
    send({ type: 'exit', id: m.id, exitStatus: 3, signal: null, durationMs: 5, outputTail: ['last'] });
  });
  const lines: string[] = [];
  const r = await channel.exec({ argv: ['echo', 'hi'], chroot: true, label: 't', env: { FOO: 'bar' } }, (s, l) => lines.push(`${s}:${l}`));
  assert.deepEqual(lines, ['stdout:argv echo hi', 'stderr:env bar', 'stdout:last']);
  assert.deepEqual(r, { exitStatus: 3, signal: null, durationMs: 5, outputTail: ['last'] });
});

test('concurrent requests are answered by id, whatever the order of the replies', async (t) => {
  const waiting: HostMessage[] = [];
  const { channel, send } = await connected(t, (m) => void waiting.push(m));
  const a = channel.call({ method: 'exists', path: '/a' });
  const b = channel.call({ method: 'resolve', path: '/b' });
  while (waiting.length < 2) await new Promise((r) => setTimeout(r, 5));
  send({ type: 'result', id: waiting[1]!.id, value: '/root/b' });
  send({ type: 'result', id: waiting[0]!.id, value: true });
  assert.deepEqual(await Promise.all([a, b]), [true, '/root/b']);
});

test("the guest's errors come back as build errors with their hint", async (t) => {
  const { channel } = await connected(t, (m, send) => send({ type: 'error', id: m.type === 'call' ? m.id : 0, message: 'no such file', hint: 'create it' }));
  await assert.rejects(channel.call({ method: 'readFile', path: '/x' }), (err: BuildError) => err instanceof BuildError && err.message === 'no such file' && err.hint === 'create it');
});

test('an aborted exec sends a cancel for its id', async (t) => {
  const abort = new AbortController();
  const { channel, received } = await connected(t, (m, send) => {
    if (m.type === 'exec') abort.abort();
    if (m.type === 'cancel') send({ type: 'exit', id: m.id, exitStatus: null, signal: 'SIGTERM', durationMs: 1, outputTail: [] });
  });
  const r = await channel.exec({ argv: ['sleep', '9'], chroot: false, label: 't', signal: abort.signal }, () => {});
  assert.equal(r.signal, 'SIGTERM');
  assert.deepEqual(received.map((m) => m.type), ['exec', 'cancel']);
});

test('a shell keeps what its pty printed before anyone listened, and passes input and exit on', async (t) => {
  const { channel, received } = await connected(t, (m, send) => {
    if (m.type === 'shell') {
      // The reply and the prompt arrive in one read.
      send({ type: 'result', id: m.id, value: null });
      send({ type: 'pty-data', id: m.id, data: '# ' });
    }
    if (m.type === 'pty-input') {
      send({ type: 'pty-data', id: m.id, data: `echo: ${m.data}` });
      send({ type: 'pty-exit', id: m.id, status: 0 });
    }
  });
  const session = await channel.shell({ chroot: true, shell: '/bin/sh', cols: 80, rows: 24 });
  await new Promise((r) => setTimeout(r, 50));
  let seen = '';
  session.onData((d) => (seen += d));
  const exited = new Promise((resolve) => session.onExit(resolve));
  session.resize(100, 30);
  session.write('ls\n');
  assert.equal(await exited, 0);
  assert.equal(seen, '# echo: ls\n');
  assert.deepEqual(received.find((m) => m.type === 'pty-resize'), { type: 'pty-resize', id: 1, cols: 100, rows: 30 });
});

test('a dead guest fails what waits and what comes later; its shells end', async (t) => {
  const { channel, send } = await connected(t, (m, reply) => {
    if (m.type === 'shell') reply({ type: 'result', id: m.id, value: null });
  });
  const session = await channel.shell({ chroot: false, shell: '/bin/sh', cols: 80, rows: 24 });
  const ended = new Promise((resolve) => session.onExit(resolve));
  const waiting = channel.call({ method: 'exists', path: '/' });
  channel.fail(new BuildError('the VM stopped'));
  await assert.rejects(waiting, /the VM stopped/);
  await assert.rejects(channel.call({ method: 'exists', path: '/' }), /the VM stopped/);
  assert.equal(await ended, null);
  send({ type: 'result', id: 99, value: null });
});

test('bad frames from the guest are logged, not fatal', async (t) => {
  const { channel, guest, logs } = await connected(t, (m, send) => {
    if (m.type === 'call') send({ type: 'result', id: m.id, value: 'ok' });
  });
  guest.write('garbage\n{"type":"exit"}\n');
  assert.equal(await channel.call({ method: 'resolve', path: '/' }), 'ok');
  assert.equal(logs.filter((l) => l.startsWith('bad frame from the guest')).length, 2);
});
