// Two builds started at once on one state directory (two terminals, two CI jobs on one
// runner): both succeed. They share the package cache, which apt locks for itself; the
// second build waits for it, and says so, instead of failing in apt with "Could not get
// lock ... held by process 0".
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { baseRootTarball, FROM_BASE_RECIPE } from '../helpers/base-root.js';
import { debstep, mountsUnder, tarRead, tempDir } from '../helpers/debstep.js';

let base: string;

before(async () => {
  base = await baseRootTarball();
});

const RECIPE = `${FROM_BASE_RECIPE}  - action: apt
    packages: [hello]
  - action: run
    chroot: true
    command: echo {{ .tag }} > /etc/tag
  - action: pack
    file: {{ .tag }}.tar.gz
`;

test('two builds at once on one state directory both succeed; the second waits for the package cache and says so', async (t) => {
  const dir = await tempDir(t);
  await copyFile(base, join(dir, 'base.tar.gz'));
  await writeFile(join(dir, 'recipe.yaml'), RECIPE);
  const art = join(dir, 'out');
  await mkdir(art);
  const build = (tag: string) => debstep(['build', 'recipe.yaml', '--backend', 'host', '--artifactdir', art, '--state-dir', join(dir, 'state'), '-t', `tag:${tag}`], { cwd: dir });
  const first = build('one');
  await new Promise((r) => setTimeout(r, 1000));
  const results = await Promise.all([first, build('two')]);
  for (const r of results) assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const tag of ['one', 'two']) {
    assert.equal((await tarRead(join(art, `${tag}.tar.gz`), './etc/tag')).toString(), `${tag}\n`);
    assert.ok((await tarRead(join(art, `${tag}.tar.gz`), './usr/bin/hello')).length > 0, `${tag} has hello`);
  }
  const output = results.map((r) => r.stdout + r.stderr).join('\n');
  assert.doesNotMatch(output, /Could not get lock/);
  assert.match(output, /waiting for the package cache .*apt-archives\/amd64: another build \(process \d+\) is using it/);
  assert.deepEqual(await mountsUnder(dir), []);
});
