// A re-run only redoes what changed: results of actions whose effect is their layer come
// from the layer cache while nothing they depend on changed, artifacts are not made again
// while they are as they were made, and nothing picks up changes made by hand in a shell.
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tarList, tarRead, tempDir } from '../helpers/debstep.js';
import { checkTarballManifests } from '../helpers/manifest.js';

let base: string;
before(async () => {
  base = await baseRootTarball('bookworm', 'amd64', 'tar');
});

const RECIPE = `architecture: amd64
actions:
  - action: unpack
    description: Unpack
    origin: recipe
    file: base.tar
  - action: run
    description: Script
    chroot: true
    script: scripts/stamp.sh
  - action: overlay
    description: Overlay
    source: overlay
  - action: pack
    description: Pack early
    file: early.tar.gz
  - action: run
    description: In the root after pack
    chroot: true
    command: echo after-pack > /after-pack
  - action: run
    description: On the host
    command: echo host > "$ROOTDIR/host"
  - action: run
    description: After the host
    chroot: true
    command: echo late > /late
  - action: pack
    description: Pack
    file: out.tar.gz
`;

async function project(t: Parameters<typeof tempDir>[0]) {
  const dir = await tempDir(t);
  await copyFile(base, join(dir, 'base.tar'));
  await mkdir(join(dir, 'scripts'));
  await mkdir(join(dir, 'overlay/etc'), { recursive: true });
  await writeFile(join(dir, 'overlay/etc/overlaid'), 'overlaid\n');
  const script = async (text: string) => {
    await writeFile(join(dir, 'scripts/stamp.sh'), `#!/bin/sh\necho ${text} > /stamp\n`);
    await chmod(join(dir, 'scripts/stamp.sh'), 0o755);
  };
  await script('v1');
  await writeFile(join(dir, 'r.yaml'), RECIPE);
  await mkdir(join(dir, 'out'));
  const build = (...extra: string[]) => debstep(['build', join(dir, 'r.yaml'), '--artifactdir', join(dir, 'out'), '--state-dir', join(dir, 'state'), ...extra]);
  const cached = (stdout: string) => [...stdout.matchAll(/^==== (.*) ==== \(cached\)$/gm)].map((m) => m[1]);
  return { dir, build, script, cached };
}

test('an unchanged re-run takes every result from the cache, artifacts included', async (t) => {
  const p = await project(t);
  const first = await p.build();
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.deepEqual(p.cached(first.stdout), []);
  const tar = join(p.dir, 'out/out.tar.gz');
  const made = await readFile(tar);
  await checkTarballManifests(tar);
  const again = await p.build('-v');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.deepEqual(p.cached(again.stdout), ['Unpack', 'Script', 'Overlay', 'Pack early', 'In the root after pack', 'On the host', 'After the host', 'Pack']);
  assert.match(again.stdout, /\(action 4 from the cache: its artifacts are as it made them\)/);
  assert.ok((await readFile(tar)).equals(made), 'the tarball is the one the first build made');
  for (const [file, text] of [['./stamp', 'v1'], ['./etc/overlaid', 'overlaid'], ['./after-pack', 'after-pack'], ['./host', 'host'], ['./late', 'late']]) {
    assert.equal((await tarRead(tar, file!)).toString(), `${text}\n`, file);
  }
  // A cached pack still has its manifests; one deleted makes it pack again.
  await rm(`${tar}.manifest`);
  const noManifest = await p.build('-v');
  assert.match(noManifest.stdout, /\(action 8 runs, not from the cache: its artifact .*out\.tar\.gz\.manifest is gone\)/);
  await checkTarballManifests(tar);
  await rm(tar);
  const gone = await p.build('-v');
  assert.equal(gone.code, 0, gone.stdout + gone.stderr);
  assert.match(gone.stdout, /\(action 8 runs, not from the cache: its artifact .*out\.tar\.gz is gone\)/);
  assert.deepEqual(p.cached(gone.stdout), ['Unpack', 'Script', 'Overlay', 'Pack early', 'In the root after pack', 'On the host', 'After the host']);
  assert.equal((await tarRead(tar, './late')).toString(), 'late\n');
  assert.deepEqual(await mountsUnder(p.dir), []);
});

test('editing only the last command re-runs only it and the pack after it, and -v says why', async (t) => {
  const p = await project(t);
  assert.equal((await p.build()).code, 0);
  await writeFile(join(p.dir, 'r.yaml'), RECIPE.replace('echo late > /late', 'echo later > /late'));
  const r = await p.build('-v');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(p.cached(r.stdout), ['Unpack', 'Script', 'Overlay', 'Pack early', 'In the root after pack', 'On the host']);
  assert.match(r.stdout, /\(action 7 runs, not from the cache: property "command" changed\)/);
  assert.match(r.stdout, /\(action 8 runs, not from the cache: the root before it changed: action 7 ran\)/);
  assert.equal((await tarRead(join(p.dir, 'out/out.tar.gz'), './late')).toString(), 'later\n');
});

test('a changed script reruns its action and the ones after it; --no-cache runs everything', async (t) => {
  const p = await project(t);
  assert.equal((await p.build()).code, 0);
  await p.script('v2');
  const r = await p.build('-v');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(p.cached(r.stdout), ['Unpack']);
  assert.match(r.stdout, /\(action 2 runs, not from the cache: script directory scripts: stamp\.sh changed\)/);
  assert.equal((await tarRead(join(p.dir, 'out/out.tar.gz'), './stamp')).toString(), 'v2\n');
  const none = await p.build('--no-cache');
  assert.equal(none.code, 0);
  assert.deepEqual(p.cached(none.stdout), []);
});

test('a shell in a kept root never changes what the cache holds', async (t) => {
  const p = await project(t);
  await writeFile(join(p.dir, 'r.yaml'), RECIPE.replace('    command: echo late > /late', '    command: exit 3'));
  const failed = await p.build();
  assert.equal(failed.code, 1);
  const shell = await debstep(['shell', '--state-dir', join(p.dir, 'state')], { input: 'echo by-hand > /stamp; echo by-hand > /etc/overlaid; exit\n' });
  assert.equal(shell.code, 0, shell.stdout + shell.stderr);
  await writeFile(join(p.dir, 'r.yaml'), RECIPE);
  const r = await p.build();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(p.cached(r.stdout), ['Unpack', 'Script', 'Overlay', 'Pack early', 'In the root after pack', 'On the host']);
  const tar = join(p.dir, 'out/out.tar.gz');
  assert.equal((await tarRead(tar, './stamp')).toString(), 'v1\n');
  assert.equal((await tarRead(tar, './etc/overlaid')).toString(), 'overlaid\n');
  assert.ok((await tarList(tar)).includes('./late'));
});
