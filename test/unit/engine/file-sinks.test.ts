// A log that cannot be written (a full disk) is a failure the build reports, not a crash.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EventBus } from '../../../src/core/events.js';
import { FullLog, JsonLines } from '../../../src/engine/sinks/files.js';

test('a full disk (/dev/full) under the log: no crash, nothing more written, and close says which file and why', async () => {
  const bus = new EventBus();
  bus.add(new FullLog('/dev/full'));
  for (let i = 0; i < 200; i++) bus.emit({ type: 'info', message: `line ${i} ${'x'.repeat(1000)}` });
  await new Promise((r) => setTimeout(r, 50));
  bus.emit({ type: 'info', message: 'after the failure' });
  await assert.rejects(bus.close(), /^HostError: could not write \/dev\/full: ENOSPC: no space left on device, write$/);
});

test('the other sinks are still closed (flushed) when one fails', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-sinks-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bus = new EventBus();
  bus.add(new FullLog('/dev/full'));
  bus.add(new JsonLines(join(dir, 'events.jsonl')));
  bus.emit({ type: 'info', message: 'kept' });
  await assert.rejects(bus.close(), /ENOSPC/);
  assert.match(await readFile(join(dir, 'events.jsonl'), 'utf8'), /"message":"kept"/);
});
