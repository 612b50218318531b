import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder, encodeFrame } from '../../../src/vm/qemu/framing.js';
import { type GuestMessage, type HostMessage, checkWith, guestMessageSchema, hostMessageSchema } from '../../../src/vm/qemu/protocol.js';

function guestDecoder() {
  const got: GuestMessage[] = [];
  const bad: string[] = [];
  const d = new FrameDecoder<GuestMessage>(checkWith(guestMessageSchema), (m) => got.push(m), (why) => bad.push(why));
  return { d, got, bad };
}

test('frames split anywhere across chunks arrive whole and in order', () => {
  const messages: GuestMessage[] = [
    { type: 'output', id: 1, lines: [['stdout', 'héllo ✓'], ['stderr', 'a "quoted" line\twith tab']] },
    { type: 'exit', id: 1, exitStatus: 3, signal: null, durationMs: 12, outputTail: ['x'] },
    { type: 'alive' },
  ];
  const wire = messages.map(encodeFrame).join('');
  for (const size of [1, 2, 7, 64, wire.length]) {
    const { d, got, bad } = guestDecoder();
    for (let i = 0; i < wire.length; i += size) d.push(wire.slice(i, i + size));
    assert.deepEqual(got, messages, `chunks of ${size}`);
    assert.deepEqual(bad, []);
  }
});

test('a frame per line: no newline inside a frame, whatever the payload', () => {
  const frame = encodeFrame({ type: 'pty-data', id: 4, data: 'line1\nline2\r\n' });
  assert.equal(frame.indexOf('\n'), frame.length - 1);
});

test('bad frames are reported and skipped; the stream goes on', () => {
  const { d, got, bad } = guestDecoder();
  d.push('not json\n{"type":"exit","id":"one"}\n{"type":"nope"}\n' + encodeFrame({ type: 'alive' }));
  assert.deepEqual(got, [{ type: 'alive' }]);
  assert.equal(bad.length, 3);
  assert.match(bad[0]!, /not JSON/);
  assert.match(bad[1]!, /id/);
});

test('host requests validate: an exec needs an argv; calls are typed by method', () => {
  const ok = (m: unknown) => hostMessageSchema.safeParse(m).success;
  const exec: HostMessage = { type: 'exec', id: 1, argv: ['true'], chroot: true, label: 't', binds: [{ source: '/a', target: '/tmp/a', readOnly: true }] };
  assert.ok(ok(exec));
  assert.ok(!ok({ ...exec, argv: [] }));
  assert.ok(ok({ type: 'call', id: 2, call: { method: 'rename', from: '/a', to: '/b' } }));
  assert.ok(!ok({ type: 'call', id: 2, call: { method: 'rename', from: '/a' } }));
  assert.ok(!ok({ type: 'call', id: 2, call: { method: 'format', path: '/' } }));
  assert.ok(ok({ type: 'call', id: 3, call: { method: 'mountRoot', layers: null } }));
});
