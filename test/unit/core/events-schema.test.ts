// The events schema: docs/events.schema.json is what the zod schema generates, and the
// JSON Lines sink writes lines that the schema takes (with the version) and rejects
// when a field is unknown; docs/events.md has an example of every event type, each of
// which fits the schema.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { buildEventSchema, EventBus, eventLineSchema, EVENTS_VERSION, eventsJsonSchema } from '../../../src/core/events.js';
import { JsonLines } from '../../../src/engine/sinks/files.js';
import { REPO } from '../../helpers/debstep.js';

const SCHEMA_FILE = join(REPO, 'docs/events.schema.json');

test('docs/events.schema.json is the JSON Schema the zod schema generates', async () => {
  const generated = JSON.stringify(eventsJsonSchema(), null, 2) + '\n';
  // UPDATE_EVENTS_SCHEMA=1 rewrites the file after a change to src/core/events.ts.
  if (process.env.UPDATE_EVENTS_SCHEMA === '1') await writeFile(SCHEMA_FILE, generated);
  assert.equal(await readFile(SCHEMA_FILE, 'utf8'), generated, 'run this test with UPDATE_EVENTS_SCHEMA=1 and commit docs/events.schema.json');
});

test('JSON Lines carry the schema version, and the schema checks every field', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d));
  const bus = new EventBus();
  bus.add(new JsonLines(out));
  bus.emit({ type: 'action-start', index: 1, kind: 'run', description: 'Say hi', attempt: 1, cached: false });
  bus.emit({ type: 'command-end', id: 3, exitStatus: null, signal: 'SIGINT', durationMs: 12 });
  await bus.close();
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  for (const line of lines) {
    assert.equal(line.v, EVENTS_VERSION);
    assert.equal(eventLineSchema.safeParse(line).success, true, JSON.stringify(line));
  }
  assert.equal(eventLineSchema.safeParse({ ...lines[0], extra: 1 }).success, false, 'an unknown field');
  assert.equal(eventLineSchema.safeParse({ ...lines[0], v: 2 }).success, false, 'another version');
  assert.equal(eventLineSchema.safeParse({ ...lines[0], type: 'no-such-event' }).success, false, 'an unknown type');
  const { v: _v, ...withoutVersion } = lines[1]!;
  assert.equal(eventLineSchema.safeParse(withoutVersion).success, false, 'no version');
});

test('docs/events.md has an example of every event type, and each fits the schema', async () => {
  const doc = await readFile(join(REPO, 'docs/events.md'), 'utf8');
  const examples = [...doc.matchAll(/```json\n([^]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter(Boolean));
  const types = new Set<string>();
  for (const line of examples) {
    const parsed = eventLineSchema.safeParse(JSON.parse(line));
    assert.ok(parsed.success, `${line}\n${parsed.error?.message}`);
    types.add(parsed.data.type);
  }
  const all = buildEventSchema.options.map((o) => o.shape.type.value);
  assert.deepEqual([...types].sort(), [...all].sort());
});
