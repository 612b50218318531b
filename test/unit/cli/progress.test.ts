// --progress: which mode without the option, and how each mode prints the same events:
// plain has no control sequence at all, tty colours unless NO_COLOR, json is JSON Lines.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { progressMode, progressSink } from '../../../src/cli/progress.js';
import { EventBus, type EventInput } from '../../../src/core/events.js';

test('the mode: as asked, else tty on a terminal or with FORCE_COLOR, else plain', () => {
  assert.equal(progressMode(undefined, true, {}), 'tty');
  assert.equal(progressMode(undefined, false, {}), 'plain');
  assert.equal(progressMode(undefined, false, { FORCE_COLOR: '1' }), 'tty');
  assert.equal(progressMode(undefined, false, { FORCE_COLOR: '0' }), 'plain');
  assert.equal(progressMode('plain', true, { FORCE_COLOR: '1' }), 'plain');
  assert.equal(progressMode('json', true, {}), 'json');
});

const events: EventInput[] = [
  { type: 'action-start', index: 1, kind: 'run', description: 'Run a thing', attempt: 1, cached: false },
  { type: 'output', index: 1, label: 'run', stream: 'stdout', text: '\x1b[32mgreen\x1b[0m 50%\r\x1b[2K100%' },
  { type: 'warning', message: 'careful' },
];

async function printed(mode: 'plain' | 'tty' | 'json', env: Record<string, string> = {}): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d));
  const bus = new EventBus();
  bus.add(progressSink(mode, out, false, env));
  for (const e of events) bus.emit(e);
  await bus.close();
  return text;
}

test('plain: a line per event, without any control sequence, commands\' included, a redrawn line as drawn last', async () => {
  assert.equal(await printed('plain'), '==== Run a thing ====\nrun | 100%\nwarning: careful\n');
});

test('tty: banners and warnings in colour, commands\' colours kept; NO_COLOR takes all colour out', async () => {
  const tty = await printed('tty');
  assert.equal(tty, '\x1b[1m==== Run a thing ====\x1b[0m\nrun | \x1b[32mgreen\x1b[0m 50%\r\x1b[2K100%\n\x1b[33mwarning: careful\x1b[0m\n');
  assert.equal(await printed('tty', { NO_COLOR: '1' }), '==== Run a thing ====\nrun | green 50%\r\x1b[2K100%\nwarning: careful\n');
});

test('json: the events as JSON Lines', async () => {
  const lines = (await printed('json')).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  assert.deepEqual(lines.map((l) => l.type), ['action-start', 'output', 'warning']);
});
