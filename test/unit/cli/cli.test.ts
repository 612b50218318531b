// The debstep command as users run it: help and version, render byte for byte, check's
// plan and its errors (file:line:col, no stack trace, exit 2), and debos's build flags.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { debstep, tempDir } from '../../helpers/debstep.js';

type T = Parameters<typeof tempDir>[0];

/** Writes files into a fresh directory and returns paths in it. */
async function tree(t: T, files: Record<string, string>) {
  const dir = await tempDir(t);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return (name: string) => join(dir, name);
}

function assertNoStack(stderr: string) {
  assert.ok(!/^\s+at /m.test(stderr), `no stack trace expected:\n${stderr}`);
}

describe('help and version', () => {
  test('--help lists every command and exits 0', async () => {
    const r = await debstep(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['build', 'debug', 'render', 'check', 'doctor', 'shell', 'boot']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  });
  test('a command\'s --help lists its options', async () => {
    const r = await debstep(['build', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--template-var', '--environ-var', '--artifactdir', '--debug-shell', '--print-recipe', '--dry-run', '--disable-fakemachine', '--fakemachine-backend', '--memory', '--cpus', '--scratchsize', '--show-boot']) {
      assert.ok(r.stdout.includes(flag), flag);
    }
  });
  test('--version prints the version', async () => {
    const r = await debstep(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^debstep \d+\.\d+\.\d+\n$/);
  });
  test('no arguments is a usage error', async () => {
    assert.equal((await debstep([])).code, 2);
  });
});

describe('render', () => {
  test('prints the rendered text byte for byte and nothing else', async (t) => {
    const p = await tree(t, { 'r.yaml': '{{- $a := or .architecture "arm64" -}}\narchitecture: {{ $a }}  \n# {{ .x }}|{{ .empty }}|{{ .missing }}\n{{ "no newline at the end" }}' });
    const r = await debstep(['render', p('r.yaml'), '-t', 'x:a:b:c', '-t', 'empty']);
    assert.equal(r.code, 0);
    // -}} trims the newline after it, as Go does.
    assert.equal(r.stdout, 'architecture: arm64  \n# a:b:c||<no value>\nno newline at the end');
    assert.equal(r.stderr, '');
  });
  test('flags may follow the recipe, and -tK:V sticks', async (t) => {
    const p = await tree(t, { 'r.yaml': '{{ .k }}-{{ .j }}' });
    const r = await debstep(['render', p('r.yaml'), '-tk:1', '--template-var=j:2']);
    assert.equal(r.stdout, '1-2');
  });
  test('a template error goes to stderr with file:line:col, exit 2, nothing on stdout', async (t) => {
    const p = await tree(t, { 'r.yaml': 'a: 1\nb: {{ nosuch 1 }}\n' });
    const r = await debstep(['render', p('r.yaml')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `error: ${p('r.yaml')}:2:7: function "nosuch" not defined\n`);
  });
});

const GOOD = 'architecture: amd64\nactions:\n  - action: run\n    description: Say hello\n    command: echo hi\n';

describe('check', () => {
  test('prints the numbered, flattened plan with sources', async (t) => {
    const p = await tree(t, {
      'r.yaml': `${GOOD}  - action: recipe\n    recipe: sub/s.yaml\n  - action: pack\n    file: out.tar.gz\n`,
      'sub/s.yaml': 'architecture: {{ .architecture }}\nactions:\n  - action: run\n    chroot: true\n    command: true\n',
    });
    const r = await debstep(['check', p('r.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `${p('r.yaml')}: amd64, 3 actions`);
    assert.match(lines[1]!, new RegExp(`^ {2}1 {2}run +Say hello +${p('r.yaml')}:3:5$`));
    assert.match(lines[2]!, new RegExp(`^ {2}2 {2}run +  ↳ run +${p('sub/s.yaml')}:3:5$`));
    assert.match(lines[3]!, new RegExp(`^ {2}3 {2}pack +pack +${p('r.yaml')}:8:5$`));
  });

  test('warns about a template variable that prints as <no value>, not about a defaulted one', async (t) => {
    const p = await tree(t, { 'r.yaml': '{{ $s := or .suite "bookworm" }}architecture: amd64\nactions:\n  - action: run\n    command: echo {{ .greeting }} {{ $s }}\n' });
    const r = await debstep(['check', p('r.yaml')]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, `warning: ${p('r.yaml')}:4:23: template variable "greeting" is not set; it renders as "<no value>"\n`);
  });

  const rejections: [string, Record<string, string>, RegExp][] = [
    ['bad YAML', { 'r.yaml': 'architecture: amd64\nactions:\n  - action: run\n   command: [oops\n' }, /^error: \S+r\.yaml:\d+:\d+: invalid YAML: /m],
    ['an unclosed template action', { 'r.yaml': 'architecture: amd64\nactions: {{ .x \n' }, /^error: \S+r\.yaml:3:1: unclosed action started at r\.yaml:2$/m],
    ['an unknown function', { 'r.yaml': 'architecture: {{ archname }}\n' }, /^error: \S+r\.yaml:1:18: function "archname" not defined$/m],
    ['an unknown action', { 'r.yaml': 'architecture: amd64\nactions:\n  - action: aptt\n' }, /^error: \S+r\.yaml:3:13: unknown action "aptt" \(did you mean "apt"\?\)$/m],
    ['a missing required property', { 'r.yaml': 'architecture: amd64\nactions:\n  - action: debootstrap\n    variant: minbase\n' }, /^error: \S+r\.yaml:3:5: missing required property "suite" in debootstrap action$/m],
    ['a wrong type', { 'r.yaml': 'architecture: amd64\nactions:\n  - action: apt\n    packages: [a]\n    update: [1]\n' }, /^error: \S+r\.yaml:5:13: "update" in apt action: expected a boolean, got a list$/m],
    ['a missing script', { 'r.yaml': 'architecture: amd64\nactions:\n  - action: run\n    script: scripts/nope.sh arg\n' }, /^error: \S+r\.yaml:4:13: "script" in run action: \S+scripts\/nope\.sh does not exist$/m],
    ['a missing overlay source', { 'r.yaml': 'architecture: amd64\nactions:\n  - action: overlay\n    source: overlays/nope\n' }, /^error: \S+r\.yaml:4:13: "source" in overlay action: \S+overlays\/nope does not exist$/m],
    ['a sub-recipe of another architecture', { 'r.yaml': 'architecture: amd64\nactions:\n  - action: recipe\n    recipe: s.yaml\n', 's.yaml': 'architecture: armhf\nactions:\n  - action: run\n    command: x\n' }, /^error: \S+s\.yaml:1:15: .*armhf.*amd64/m],
    ['a missing architecture', { 'r.yaml': 'actions:\n  - action: run\n    command: x\n' }, /^error: \S+r\.yaml:1:1: .*architecture/m],
  ];
  for (const [what, files, expected] of rejections) {
    test(`rejects ${what}`, async (t) => {
      const p = await tree(t, files);
      const r = await debstep(['check', p('r.yaml')]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, expected);
      assertNoStack(r.stderr);
    });
  }

  test('unknown properties are warnings by default (debos ignores them); --strict makes them errors, exit 2', async (t) => {
    const p = await tree(t, { 'r.yaml': 'architecture: amd64\nactions:\n  - action: run\n    chrot: true\n    command: x\n' });
    for (const args of [[], ['--lenient']]) {
      const r = await debstep(['check', p('r.yaml'), ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^warning: \S+r\.yaml:4:5: unknown property "chrot" in run action \(did you mean "chroot"\?\)$/m);
    }
    const strict = await debstep(['check', p('r.yaml'), '--strict']);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, /^error: \S+r\.yaml:4:5: unknown property "chrot" in run action \(did you mean "chroot"\?\)$/m);
    const dry = await debstep(['build', p('r.yaml'), '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /^warning: \S+r\.yaml:4:5: unknown property "chrot"/m);
    assert.equal((await debstep(['build', p('r.yaml'), '--dry-run', '--strict'])).code, 2);
  });
});

describe('build flags', () => {
  test('--dry-run checks and stops; flags may follow the recipe; `debstep RECIPE` is build', async (t) => {
    const p = await tree(t, { 'r.yaml': GOOD });
    for (const args of [['build', p('r.yaml'), '--dry-run'], [p('r.yaml'), '--dry-run']]) {
      const r = await debstep(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '==== Recipe done (Dry run) ====\n');
    }
  });
  test('--print-recipe prints the variables and the rendered recipe', async (t) => {
    const p = await tree(t, { 'r.yaml': 'architecture: {{ .arch }}\nactions:\n  - action: run\n    command: echo hi\n' });
    const r = await debstep(['build', '--print-recipe', '--dry-run', '-t', 'arch:amd64', p('r.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Template variables:\n  arch: amd64\nRecipe '${p('r.yaml')}':\narchitecture: amd64\nactions:\n  - action: run\n    command: echo hi\n==== Recipe done (Dry run) ====\n`);
  });
  const usage: [string, string[], RegExp][] = [
    ['an unknown flag, with a hint', ['--artifact-dir', '/tmp'], /^error: unknown option --artifact-dir \(did you mean --artifactdir\?\)$/m],
    ['--disable-fakemachine with a backend', ['--disable-fakemachine', '-b', 'qemu'], /mutually exclusive/],
    ['a bad memory size', ['--memory=NotANumber'], /invalid size for --memory/],
    ['a bad scratch size', ['--scratchsize=NotANumber'], /invalid size for --scratchsize/],
    ['too little memory for a VM', ['--memory', '64MB'], /^error: invalid size for --memory: "64MB" is less than the 128MB a VM needs$/m],
    ['too small a scratch disk', ['--scratchsize', '1M'], /^error: invalid size for --scratchsize: "1M" is less than the 16MB a disk needs$/m],
    ['no CPUs', ['-c', '0'], /^error: invalid number for --cpus: "0"$/m],
    ['more CPUs than a VM has', ['--cpus', '256'], /^error: invalid number for --cpus: "256" is more than the 255 CPUs a VM can have$/m],
    ['an unknown backend', ['-b', 'uml'], /invalid value "uml" for --fakemachine-backend/],
    ['two recipes', ['other.yaml'], /one recipe at a time/],
  ];
  for (const [what, extra, expected] of usage) {
    test(`rejects ${what} with exit 2`, async (t) => {
      const p = await tree(t, { 'r.yaml': GOOD });
      const r = await debstep(['build', p('r.yaml'), '--dry-run', ...extra]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, expected);
      assertNoStack(r.stderr);
    });
  }
  test('a size out of bounds is refused before anything is made: no state directory, no workspace', async (t) => {
    const p = await tree(t, { 'r.yaml': GOOD });
    const r = await debstep(['build', p('r.yaml'), '--backend', 'vm', '--memory', '64MB', '--artifactdir', p('.'), '--state-dir', p('state')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /invalid size for --memory: "64MB"/);
    assert.equal(existsSync(p('state')), false, 'the state directory was not made');
  });
  test('no recipe is a usage error', async () => {
    const r = await debstep(['build']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: no recipe given$/m);
  });
});

describe('boot', () => {
  test('build --boot needs a recipe that makes a disk image, and says so before building', async (t) => {
    const path = await tree(t, { 'r.yaml': 'architecture: amd64\nactions:\n  - action: run\n    command: touch ran\n' });
    const r = await debstep(['build', path('r.yaml'), '--boot', '--artifactdir', path('.'), '--state-dir', path('state')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: --boot boots the disk image a recipe makes, and this recipe makes none/m);
    assert.doesNotMatch(r.stdout, /====/, 'nothing ran');
  });

  test('takes one image file; anything else is a usage error', async (t) => {
    const path = await tree(t, { 'not-an-image/x': '' });
    for (const args of [[], ['a.img', 'b.img'], [path('not-an-image')], [path('missing.img')]]) {
      const r = await debstep(['boot', ...args]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /^error: /m);
      assertNoStack(r.stderr);
    }
  });
});

describe('--no-manifest', () => {
  test('turns the manifests off; SOURCE_DATE_EPOCH (-e or the environment) dates them otherwise', async () => {
    const { parseArgs } = await import('../../../src/cli/options.js');
    const { buildConfig } = await import('../../../src/cli/build-setup.js');
    const config = (...argv: string[]) => buildConfig(parseArgs('build', ['r.yaml', '--artifactdir', '/tmp', ...argv]).options);
    assert.equal((await config('--no-manifest')).manifests, false);
    const dated = await config('-e', 'SOURCE_DATE_EPOCH:1700000000');
    assert.equal(dated.manifests, true);
    assert.equal(dated.sourceDateEpoch, 1700000000, 'the epoch writeManifests dates the SPDX document with');
    assert.equal((await config()).manifests, true, 'on by default');
    await assert.rejects(config('-e', 'SOURCE_DATE_EPOCH:yesterday'), /invalid SOURCE_DATE_EPOCH "yesterday"/);
    assert.equal(parseArgs('debug', ['r.yaml', '--no-manifest']).options.noManifest, true, 'debug takes it too');
  });
});
