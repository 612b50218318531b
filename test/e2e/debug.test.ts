// debstep debug, the real program in a real terminal (tmux), on a real root: breakpoints,
// stepping, a shell in the root, edit and retry, skip, quitting without leftovers.
// Needs root (the host backend), tmux, mmdebstrap and the host's Debian mirror.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { hostArchitecture as hostArch } from '../../src/vm/binfmt.js';
import { baseRootTarball, hostSuite } from '../helpers/base-root.js';
import { debstepArgv, loopsOf, mountsUnder, SOURCE_ENV } from '../helpers/debstep.js';
import { haveTmux, TmuxSession } from './helpers/tmux.js';

const skip = process.getuid?.() !== 0 ? 'needs root (host backend)' : !haveTmux() ? 'needs tmux' : false;


interface Fixture {
  readonly dir: string;
  readonly recipe: string;
  readonly state: string;
  readonly artifacts: string;
}

async function fixture(t: { after: (fn: () => Promise<void>) => void }, actions: string): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const base = await baseRootTarball(await hostSuite(), hostArch());
  const recipeDir = join(dir, 'recipe');
  await mkdir(join(recipeDir, 'overlay/etc'), { recursive: true });
  // A copy, not a link: a VM sees the recipe directory, not where a link would lead.
  await copyFile(base, join(recipeDir, 'base.tar.gz'));
  await writeFile(join(recipeDir, 'overlay/etc/debstep-overlay'), 'overlaid\n');
  const recipe = join(recipeDir, 'r.yaml');
  const head = `architecture: ${hostArch()}\nactions:\n  - action: unpack\n    description: Unpack the base\n    origin: recipe\n    file: base.tar.gz\n`;
  await writeFile(recipe, head + actions);
  const state = join(dir, 'state');
  const artifacts = join(dir, 'out');
  await mkdir(artifacts);
  return { dir, recipe, state, artifacts };
}

type Backend = 'host' | 'vm';

function start(t: { after: (fn: () => Promise<void>) => void }, f: Fixture, name: string, args: string[], env: Record<string, string> = {}, backend: Backend = 'host'): TmuxSession {
  const argv = debstepArgv(['debug', 'r.yaml', '--backend', backend, '--state-dir', f.state, '--artifactdir', f.artifacts, ...args]);
  const session = TmuxSession.start(`${name}-${process.pid}`, argv, { cwd: dirname(f.recipe), env: { ...SOURCE_ENV, ...env } });
  t.after(async () => session.kill());
  return session;
}

/** Processes with `dir` in their command line, but for the tmux server (which started debstep). */
function processesMentioning(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,comm=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(dir) && !/^\s*\d+ tmux/.test(l));
}

/** The row of action `n` in the action list. */
const row = (screen: string, n: number) => screen.split('\n').find((l) => new RegExp(`^.?\\s*${n} \\S \\w`).test(l)) ?? '';

test('without a terminal, debug says it needs one and exits 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'r.yaml'), 'architecture: amd64\nactions:\n  - action: run\n    command: "true"\n');
  const [node, ...args] = debstepArgv(['debug', join(dir, 'r.yaml')]);
  const r = spawnSync(node!, args, { encoding: 'utf8', env: { ...process.env, ...SOURCE_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^error: debstep debug needs a terminal/m);
  assert.equal(r.stdout, '');
});

for (const backend of ['host', 'vm'] as const) {
test(`${backend} backend: breakpoint, step, shell in the root, edit and retry, skip, to the end`, { skip, timeout: 900_000 }, async (t) => {
  const f = await fixture(
    t,
    [
      '  - action: run\n    description: Name the host\n    chroot: true\n    command: echo debstep-e2e > /etc/hostname\n',
      '  - action: overlay\n    description: Add the overlay\n    source: overlay\n',
      '  - action: run\n    description: Check the overlay\n    chroot: true\n    command: test -f /etc/not-there\n',
      '  - action: run\n    description: Optional extra\n    chroot: true\n    command: touch /etc/extra\n',
      '  - action: pack\n    description: Pack the root\n    file: root.tar.gz\n',
    ].join(''),
  );
  // The "editor": fixes the failing check, as a person would.
  const editor = join(f.dir, 'fix-recipe');
  await writeFile(editor, `#!/bin/sh\nsed -i 's#test -f /etc/not-there#test -f /etc/debstep-overlay#' "$1"\n`);
  await chmod(editor, 0o755);
  const tui = start(t, f, `main-${backend}`, ['--break', '2', '--break', '5'], { EDITOR: editor }, backend);

  let screen = await tui.waitFor('Paused before action 2 (breakpoint)', 300_000);
  assert.match(screen, new RegExp(`^debstep debug · r\\.yaml · \\w+ · ${backend} backend · user root`, 'm'));
  assert.match(row(screen, 1), /1 ✓ unpack +Unpack the base/);
  assert.match(row(screen, 2), /^●2 ‖ run +Name the host/);

  tui.keys('n');
  screen = await tui.waitFor('Paused before action 3 (step)');
  assert.match(row(screen, 2), /2 ✓ run +Name the host/);

  tui.keys('s');
  await tui.waitFor(/a shell in the root[\s\S]*root@.*#\s*$/m);
  tui.line('cat /etc/hostname');
  screen = await tui.waitFor(/^debstep-e2e\s*$/m);
  assert.doesNotMatch(screen, /Paused before action 3/, 'the debugger is put away while the shell runs');
  tui.line('exit');
  screen = await tui.waitFor('The shell exited with status 0');
  assert.match(screen, /Paused before action 3 \(step\)/);
  assert.match(screen, /^debstep debug · /m, 'the header is back');
  assert.doesNotMatch(screen, /cat \/etc\/hostname/, 'the shell is gone from the screen');

  tui.keys('c');
  screen = await tui.waitFor('Action 4 failed. r retry');
  assert.match(screen, /\$ sh -e -c 'test -f \/etc\/not-there'/);
  assert.match(screen, /exit status 1 after/);
  assert.match(row(screen, 4), /4 ✗ run +Check the overlay/);

  tui.keys('e');
  screen = await tui.waitFor('Recipe reloaded: from action 4 on');
  assert.match(await readFile(f.recipe, 'utf8'), /test -f \/etc\/debstep-overlay/);
  assert.match(screen, /command: test -f \/etc\/debstep-overlay/, 'the details show the edited action');

  tui.keys('r');
  screen = await tui.waitFor('Paused before action 5 (breakpoint)');
  assert.match(row(screen, 4), /4 ✓ run +Check the overlay/);

  tui.keys('k');
  screen = await tui.waitFor('Build finished (tainted', 120_000);
  assert.match(row(screen, 5), /5 ↷ run +Optional extra/);
  assert.match(row(screen, 6), /6 ✓ pack +Pack the root/);
  assert.match(screen, /TAINTED/);

  const tarball = join(f.artifacts, 'root.tar.gz');
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.match(listing, /^(\.\/)?etc\/debstep-overlay$/m);
  assert.doesNotMatch(listing, /^(\.\/)?etc\/extra$/m, 'the skipped action left nothing');
  const hostname = execFileSync('tar', ['-xOzf', tarball, './etc/hostname'], { encoding: 'utf8' });
  assert.equal(hostname, 'debstep-e2e\n');

  tui.keys('q');
  assert.equal(await tui.waitForExit(), 0);
  assert.match(tui.screen(), /==== Recipe done \(tainted: skipped action 5\) ====/);
  assert.deepEqual(await mountsUnder(f.state), []);
  assert.deepEqual(processesMentioning(f.state), [], 'no process (and no QEMU) is left');
});
}

test('a failure pauses with the failed command; quitting and discarding leaves nothing behind', { skip, timeout: 600_000 }, async (t) => {
  const f = await fixture(t, [
    '  - action: run\n    description: Fail on purpose\n    chroot: true\n    command: echo going to fail; exit 7\n',
    '  - action: run\n    description: Never runs\n    chroot: true\n    command: touch /etc/never\n',
  ].join(''));
  const tui = start(t, f, 'fail', []);

  const screen = await tui.waitFor('Action 2 failed. r retry', 300_000);
  assert.match(screen, /\$ sh -e -c 'echo going to fail; exit 7'/);
  assert.match(screen, /exit status 7 after/);
  assert.match(screen, /^ +going to fail$/m, 'the log pane shows the output');
  assert.match(row(screen, 3), /3 · run +Never runs/);

  tui.keys('q');
  await tui.waitFor('Quit: keep the workspace');
  tui.keys('d');
  assert.equal(await tui.waitForExit(), 1);
  assert.match(tui.screen(), /^error: Action 'Fail on purpose' failed at stage Run/m);
  assert.deepEqual(await mountsUnder(f.state), []);
  assert.deepEqual(processesMentioning(f.state), []);
  const builds = await readdir(join(f.state, 'builds')).catch(() => [] as string[]);
  assert.deepEqual(builds.filter((b) => b !== 'last'), [], 'the workspace is discarded');
});

test('quitting and keeping leaves the workspace for debstep shell, and no mounts', { skip, timeout: 600_000 }, async (t) => {
  const f = await fixture(t, '  - action: run\n    description: Later\n    chroot: true\n    command: "true"\n');
  const tui = start(t, f, 'keep', ['--step']);
  await tui.waitFor('Paused before action 1 (step)');
  tui.keys('n');
  await tui.waitFor('Paused before action 2 (step)', 300_000);
  tui.keys('q');
  await tui.waitFor('Quit: keep the workspace');
  tui.keys('k');
  assert.equal(await tui.waitForExit(), 1);
  assert.match(tui.screen(), /The workspace is kept in /);
  const builds = (await readdir(join(f.state, 'builds'))).filter((b) => b !== 'last');
  assert.equal(builds.length, 1);
  const state = JSON.parse(await readFile(join(f.state, 'builds', builds[0]!, 'state.json'), 'utf8')) as { status: string; layers: string[]; frozen: string[] };
  assert.equal(state.status, 'aborted');
  // Action 1's layer, published to the layer cache and so frozen; nothing mounted the root
  // since (a shell would have opened a layer above it, and debstep shell will).
  assert.deepEqual(state.layers, ['L001']);
  assert.deepEqual(state.frozen, ['L001']);
  assert.match(Object.values((state as { stored?: Record<string, string> }).stored ?? {})[0] ?? '', /\/cache\/layers\/store\//, 'the layer lives in the store');
  assert.deepEqual(await mountsUnder(f.state), []);
  assert.deepEqual(processesMentioning(f.state), []);
});

test('a disk image in the debugger: its mounts at a pause, and a retry that starts from the image as it was', { skip, timeout: 900_000 }, async (t) => {
  const f = await fixture(t, [
    '  - action: image-partition\n    description: Partition\n    imagename: disk.img\n    imagesize: 1GB\n    partitiontype: msdos\n',
    '    mountpoints:\n      - mountpoint: /\n        partition: root\n    partitions:\n      - name: root\n        fs: ext4\n        start: 1MiB\n        end: 100%\n',
    '  - action: filesystem-deploy\n    description: Deploy\n',
    // Writes into the image, then fails until the recipe directory has `ok`: a retry on the
    // image as this action left it would find its own mark and say DIRTY.
    '  - action: run\n    description: Mark the image\n    command: if [ -e "$ROOTDIR/partial" ]; then echo DIRTY; exit 3; fi; touch "$ROOTDIR/partial"; test -e "$RECIPEDIR/ok"\n',
    '  - action: pack\n    description: Pack the image root\n    file: root.tar.gz\n',
  ].join(''));
  const events = join(f.dir, 'events.jsonl');
  const tui = start(t, f, 'image', ['--break', '3', '--events', events]);
  await tui.waitFor('Paused before action 3 (breakpoint)', 300_000);
  tui.keys('h');
  await tui.waitFor(/a shell on the build host[\s\S]*#\s*$/m);
  tui.line('findmnt -rn -o TARGET,SOURCE | grep scratch/mnt');
  await tui.waitFor(/scratch\/mnt \/dev\/loop\d+p1\s*$/m);
  tui.line('exit');
  await tui.waitFor('The shell exited with status 0');

  tui.keys('c');
  let screen = await tui.waitFor('Action 4 failed. r retry', 300_000);
  assert.match(row(screen, 4), /4 ✗ run +Mark the image/);
  await writeFile(join(dirname(f.recipe), 'ok'), '');
  tui.keys('r');
  screen = await tui.waitFor('Build finished', 300_000);
  assert.match(row(screen, 4), /4 ✓ run +Mark the image/);
  assert.doesNotMatch(screen, /DIRTY/);
  const listing = execFileSync('tar', ['-tzf', join(f.artifacts, 'root.tar.gz')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.match(listing, /^\.\/partial$/m, 'the pack is of the image');
  assert.match(await readFile(events, 'utf8'), /remaking it from action 2 \(image-partition\) to action 4/);
  tui.keys('q');
  assert.equal(await tui.waitForExit(), 0);
  assert.deepEqual(await mountsUnder(f.state), []);
  assert.deepEqual(await loopsOf(f.dir), [], 'no loop device is left');
});
