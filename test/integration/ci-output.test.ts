// debstep build in CI: every event a real build emits (in --events and on stdout with
// --progress json) fits the versioned schema; plain progress has no control sequences;
// a cache directory copied to another place (another runner) gives cache hits to a build
// with a fresh state directory, from a checkout at another path; SIGINT stops a build
// cleanly with exit status 130 and leaves nothing behind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { eventLineSchema } from '../../src/core/events.js';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, processesMentioning, startDebstep, tempDir } from '../helpers/debstep.js';

const run = promisify(execFile);
type T = Parameters<typeof tempDir>[0];

let base: string;
before(async () => {
  base = await baseRootTarball('bookworm', 'amd64', 'tar');
});

/** A project directory with the base root and a recipe of `actions` after its unpack. */
async function project(t: T, actions: string) {
  const dir = await tempDir(t);
  // A hard link costs nothing, and the build only reads it.
  await link(base, join(dir, 'base.tar')).catch(() => copyFile(base, join(dir, 'base.tar')));
  await writeFile(join(dir, 'recipe.yaml'), `architecture: amd64\nactions:\n  - action: unpack\n    origin: recipe\n    file: base.tar\n${actions}`);
  const art = join(dir, 'out');
  await mkdir(art);
  return { dir, art, recipe: join(dir, 'recipe.yaml') };
}

/** Each line parsed and checked against the schema; the event types in order. */
function checkedEvents(text: string, where: string): string[] {
  const lines = text.split('\n').filter(Boolean);
  assert.ok(lines.length > 0, `no events in ${where}`);
  return lines.map((line, n) => {
    const parsed = eventLineSchema.safeParse(JSON.parse(line));
    assert.ok(parsed.success, `${where} line ${n + 1} does not fit the schema: ${line}\n${parsed.error?.message}`);
    return parsed.data.type;
  });
}

const STAMP = `  - action: run
    description: Stamp
    chroot: true
    command: echo stamped | tee /stamp
`;

test('every event fits the schema; plain progress has no control sequences; a copied cache directory gives hits elsewhere', async (t) => {
  const first = await project(t, STAMP);
  const cache = join(first.dir, 'cache');
  const events = join(first.dir, 'events.jsonl');
  const json = await debstep(['build', '--backend', 'host', first.recipe, '--artifactdir', first.art, '--state-dir', join(first.dir, 'state'), '--cache-dir', cache, '--events', events, '--progress', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const fromFile = checkedEvents(await readFile(events, 'utf8'), '--events');
  const fromStdout = checkedEvents(json.stdout, 'stdout');
  assert.deepEqual(fromStdout, fromFile, 'stdout has the same events, and nothing else');
  for (const type of ['build-start', 'action-start', 'command', 'output', 'command-end', 'action-end', 'stage-start']) assert.ok(fromFile.includes(type), `a ${type} event`);
  assert.equal(fromFile.at(-1), 'build-end');
  assert.ok((await readdir(join(cache, 'layers', 'keys'))).length > 0, 'the layer cache is in --cache-dir');

  // Another runner: the cache restored at another path, the checkout at another path, a
  // fresh state directory and artifact directory.
  const second = await project(t, `${STAMP}  - action: run
    description: Check
    chroot: true
    command: grep -x stamped /stamp
`);
  const moved = join(second.dir, 'restored-cache');
  // As README's CI section keeps it: a tarball with extended attributes (overlayfs's).
  const kept = join(second.dir, 'debstep-cache.tar');
  await run('tar', ['-cf', kept, '--xattrs', '--xattrs-include=*', '--sparse', '-C', first.dir, 'cache']);
  await run('tar', ['-xpf', kept, '--xattrs', '--xattrs-include=*', '--transform=s,^cache,restored-cache,', '-C', second.dir]);
  const state = join(second.dir, 'state');
  const plain = await debstep(['build', '--backend', 'host', second.recipe, '--artifactdir', second.art, '--state-dir', state, '-v'], { env: { ...process.env, DEBSTEP_CACHE_DIR: moved } });
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  assert.match(plain.stdout, /^==== Stamp ==== \(cached\)$/m, plain.stdout);
  assert.match(plain.stdout, /^\(action 2 from the cache: its layer is in the cache\)$/m);
  assert.ok(!plain.stdout.includes('\x1b'), 'without a terminal, progress is plain: no escape sequence');
  assert.match(plain.stdout, /^==== Check ====\n(.*\n)*grep -x stamped \/stamp \| stamped$/m, 'the root has the cached layer');
  assert.deepEqual(await readdir(join(state, 'cache')).catch(() => []), [], 'nothing was cached in the state directory');

});

test('SIGINT during a run action: cleanups run, exit status 130, nothing left behind', async (t) => {
  const { dir, art, recipe } = await project(t, `  - action: run
    chroot: true
    command: echo started; sleep 30
  - action: pack
    file: never.tar.gz
`);
  const state = join(dir, 'state');
  const child = startDebstep(['build', '--backend', 'host', recipe, '--artifactdir', art, '--state-dir', state]);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d));
  child.stderr?.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  t.after(() => child.kill('SIGKILL'));
  for (let i = 0; i < 300 && !/\| started$/m.test(output); i++) await sleep(100);
  assert.match(output, /\| started$/m, `the command never started:\n${output}`);
  const started = Date.now();
  child.kill('SIGINT');
  assert.equal(await exited, 130, output);
  assert.ok(Date.now() - started < 20_000, 'the sleep was stopped, not waited for');
  assert.match(output, /^SIGINT: stopping the build$/m, 'the log says why the build stops');
  assert.match(output, /^Interrupted by SIGINT: the build was stopped and cleaned up\.$/m);
  assert.deepEqual(await readdir(art), [], 'no artifact');
  assert.deepEqual((await readdir(join(state, 'builds'))).filter((b) => b !== 'last'), [], 'no workspace');
  assert.deepEqual(await mountsUnder(state), []);
  assert.deepEqual(await processesMentioning('sleep 30'), []);
});
