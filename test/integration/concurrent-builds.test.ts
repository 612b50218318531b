// Two builds started a second apart on one state directory, with different -t values: both
// succeed. Their apt actions share the package cache (bound over /var/cache/apt/archives),
// which apt locks while it installs: the second build waits for the first's and says so
// once, instead of failing with "Could not get lock /var/cache/apt/archives/lock". A dpkg
// hook that sleeps makes each install hold the cache long enough that the two always meet.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, test } from 'node:test';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tempDir } from '../helpers/debstep.js';

const isRoot = process.getuid?.() === 0;

let base: string;
before(async () => {
  if (isRoot) base = await baseRootTarball();
});

test('two builds at once on one state directory both succeed, the second waiting for the package cache', { skip: !isRoot && 'needs root', timeout: 240_000 }, async (t) => {
  const dir = await tempDir(t);
  await copyFile(base, join(dir, 'base.tar.gz'));
  const recipe = join(dir, 'recipe.yaml');
  await writeFile(
    recipe,
    `{{- $which := or .which "none" -}}
architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
  - action: run
    description: Slow down dpkg
    chroot: true
    command: echo 'DPkg::Pre-Invoke {"sleep 15";};' > /etc/apt/apt.conf.d/99slow
  - action: apt
    packages: [hello]
  - action: run
    chroot: true
    command: hello > /hello-{{ $which }}
`,
  );
  const state = join(dir, 'state');
  const build = async (which: string) => {
    const art = join(dir, `out-${which}`);
    await mkdir(art);
    return debstep(['build', recipe, '--disable-fakemachine', '--state-dir', state, '--artifactdir', art, '-t', `which:${which}`]);
  };
  const first = build('a');
  await sleep(1000);
  const [a, b] = await Promise.all([first, build('b')]);
  assert.equal(a.code, 0, `first build:\n${a.stderr.slice(-3000)}`);
  assert.equal(b.code, 0, `second build:\n${b.stderr.slice(-3000)}`);
  const both = a.stdout + a.stderr + b.stdout + b.stderr;
  assert.ok(!both.includes('Could not get lock'), 'apt never found the cache locked');
  const waits = both.match(/waiting for the package cache \S+, used by build \S+ \(pid \d+\)/g) ?? [];
  assert.equal(waits.length, 1, `one build said once what it waits for:\n${both.slice(-3000)}`);
  assert.deepEqual(await mountsUnder(dir), [], 'nothing left mounted');
});
