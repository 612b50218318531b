import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capture, ProcessFailure, run } from '../../../src/util/process.js';

test('run streams lines of both streams, feeds stdin and returns the status and the tail', async () => {
  const lines: string[] = [];
  const r = await run(['sh', '-c', 'cat; echo out; echo err >&2; exit 3'], { stdin: 'in\n', onLine: (s, t) => lines.push(`${s}:${t}`) });
  assert.equal(r.exitStatus, 3);
  assert.equal(r.signal, null);
  assert.deepEqual(lines.sort(), ['stderr:err', 'stdout:in', 'stdout:out']);
  assert.equal(r.outputTail.length, 3);
});

test('run passes env and cwd, and keeps only the last 20 lines in the tail', async () => {
  const r = await run(['sh', '-c', 'seq 1 30; pwd; echo "$X"'], { env: { PATH: '/usr/bin:/bin', X: 'set' }, cwd: '/tmp' });
  assert.equal(r.exitStatus, 0);
  assert.equal(r.outputTail.length, 20);
  assert.deepEqual(r.outputTail.slice(-2), ['/tmp', 'set']);
});

test('run: aborting kills the command; a program that does not exist gives 127', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const killed = await run(['sleep', '30'], { signal: ac.signal });
  assert.equal(killed.signal, 'SIGKILL');
  assert.ok(killed.durationMs < 10_000);
  const missing = await run(['/nonexistent/tool']);
  assert.equal(missing.exitStatus, 127);
  assert.match(missing.outputTail.join('\n'), /failed to start: .*ENOENT/);
});

test('capture returns stdout as bytes from stdin bytes, and rejects with stderr or why it could not start', async () => {
  const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
  assert.deepEqual(await capture(['cat'], { input: bytes }), bytes);
  await assert.rejects(capture(['sh', '-c', 'echo broken >&2; exit 1']), (e: unknown) => e instanceof ProcessFailure && e.why === 'broken');
  await assert.rejects(capture(['/nonexistent/tool']), (e: unknown) => e instanceof ProcessFailure && /is not installed/.test(e.why));
  await assert.rejects(capture(['sleep', '30'], { signal: AbortSignal.timeout(100) }), (e: unknown) => e instanceof ProcessFailure && /SIGKILL/.test(e.why));
});
