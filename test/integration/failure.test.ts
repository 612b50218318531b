// A failing build: the message names the action and stage, shows the command, its exit
// status and its last lines; the workspace is kept; nothing stays mounted or running,
// also when debstep is interrupted (SIGINT) or killed (SIGKILL) in the middle of apt.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, test } from 'node:test';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, processesMentioning, startDebstep, tempDir } from '../helpers/debstep.js';

let base: string;
before(async () => {
  base = await baseRootTarball();
});

async function setup(t: Parameters<typeof tempDir>[0], actions: string) {
  const dir = await tempDir(t);
  await copyFile(base, join(dir, 'base.tar.gz'));
  await writeFile(join(dir, 'recipe.yaml'), `architecture: amd64\nactions:\n  - action: unpack\n    origin: recipe\n    file: base.tar.gz\n${actions}`);
  const art = join(dir, 'out');
  await mkdir(art);
  return { dir, art, state: join(dir, 'state'), recipe: join(dir, 'recipe.yaml') };
}

test('a failing run action fails the build with its command, status and output, and keeps the workspace', async (t) => {
  const { art, state, recipe } = await setup(t, `  - action: run
    description: Break on purpose
    chroot: true
    command: for i in $(seq 1 30); do echo "line $i"; done; echo oops >&2; exit 7
  - action: pack
    file: never.tar.gz
`);
  const r = await debstep(['build', recipe, '--artifactdir', art, '--state-dir', state]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: Action 'Break on purpose' failed at stage Run: .*command failed with exit status 7$/m);
  assert.match(r.stderr, /^ {2}command: sh -e -c 'for i in \$\(seq 1 30\); do echo "line \$i"; done; echo oops >&2; exit 7'$/m);
  assert.match(r.stderr, /^ {2}exit status: 7$/m);
  assert.match(r.stderr, /^ {2}last 20 lines of output:\n( {4}\| line \d+\n){19} {4}\| oops$/m);
  assert.ok(!r.stderr.includes('line 11\n'), 'only the last 20 lines');
  assert.ok(!/\n\s+at .*\.ts:\d+/.test(r.stderr), 'no stack trace');
  const kept = /The workspace is kept in (\S+);/.exec(r.stderr)?.[1];
  assert.ok(kept, r.stderr);
  const saved = JSON.parse(await readFile(join(kept, 'state.json'), 'utf8')) as { status: string; layers: string[]; stored?: Record<string, string> };
  assert.equal(saved.status, 'failed');
  assert.match(await readFile(join(kept, 'build.log'), 'utf8'), /line 30/);
  assert.deepEqual(saved.layers, ['L001', 'L002']);
  // The failed action's layer is in the layer store, where it would have been published,
  // kept there for debstep shell.
  assert.ok((await stat(saved.stored!.L002!)).isDirectory());
  assert.deepEqual(await mountsUnder(state), []);
});

for (const signal of ['SIGINT', 'SIGKILL'] as const) {
  test(`${signal} in the middle of an apt action leaves no mounts and no processes`, async (t) => {
    const { art, state, recipe } = await setup(t, `  - action: apt
    packages: [perl, python3]
  - action: pack
    file: out.tar.gz
`);
    const child = startDebstep(['build', recipe, '--artifactdir', art, '--state-dir', state]);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d));
    child.stderr?.on('data', (d: Buffer) => (output += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    t.after(() => child.kill('SIGKILL'));
    // Wait until apt is busy inside the root.
    for (let i = 0; i < 600 && !/^apt \| (Get|Unpacking|Selecting)/m.test(output); i++) await sleep(100);
    assert.match(output, /^apt \| /m, `apt never started:\n${output}`);
    assert.ok((await mountsUnder(state)).length > 0, 'the build has its mounts while it runs');
    child.kill(signal);
    await exited;
    // The kernel tears namespaces down as their last process exits: give it a moment.
    const leftovers = async () => [...(await mountsUnder(state)), ...(await processesMentioning(state)), ...(await processesMentioning('apt-get', state))];
    for (let i = 0; i < 50 && (await leftovers()).length > 0; i++) await sleep(100);
    assert.deepEqual(await mountsUnder(state), []);
    assert.deepEqual(await processesMentioning(state), []);
    assert.deepEqual(await processesMentioning('apt-get', state), []);
  });
}

test('--debug-shell opens a shell in the root with the failed action\'s environment; debstep shell enters the kept root', async (t) => {
  const { art, state, recipe } = await setup(t, `  - action: run
    chroot: true
    command: echo kept-marker > /marker; exit 4
`);
  const r = await debstep(['build', recipe, '--artifactdir', art, '--state-dir', state, '--debug-shell', '-e', 'MYVAR:from-e'], {
    input: 'echo "IN-SHELL $(cat /marker) $MYVAR $(pwd)"; exit\n',
  });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: Action 'run' failed at stage Run: .*exit status 4$/m, 'the failure is shown before the shell');
  assert.match(r.stdout, /IN-SHELL kept-marker from-e \//, 'the shell ran in the root with -e variables');
  const later = await debstep(['shell', '--state-dir', state], { input: 'echo "AGAIN $(cat /marker)"; exit 5\n' });
  assert.equal(later.code, 5, later.stdout + later.stderr);
  assert.match(later.stdout, /AGAIN kept-marker/);
  assert.deepEqual(await mountsUnder(state), []);
});
