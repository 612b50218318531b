// Module resolution against the real module tree of the installed Debian kernel: the
// guest panics if a module is loaded before its dependencies (fakemachine 0.0.4 did that
// on this machine), so the order is checked against modules.dep itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { HostError } from '../../../src/core/errors.js';
import { chooseKernel } from '../../../src/vm/qemu/kernel.js';
import { type ModuleTree, type WantedModule, moduleName, parseModulesDep, parseSoftdeps, readModule, readModuleTree, resolveModules } from '../../../src/vm/qemu/modules.js';

const kernel = await chooseKernel({}).catch(() => undefined);
const skip = kernel ? false : 'no kernel with modules installed (apt-get install linux-image-amd64)';

const BEFORE_AGENT = new Set(['virtio_pci', '9pnet_virtio', '9p']);
const GUEST: WantedModule[] = ['virtio_pci', 'virtio_console', '9pnet_virtio', '9p', 'virtio_blk', 'ext4', 'overlay', 'virtio_net', 'loop', 'binfmt_misc'].map((name) => ({
  name,
  required: true,
  why: 'test',
  beforeAgent: BEFORE_AGENT.has(name),
}));

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-modules-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every dependency modules.dep lists (transitively) for each module. */
function transitiveDeps(tree: ModuleTree, name: string, seen = new Set<string>()): Set<string> {
  for (const dep of tree.modules.get(name)?.deps ?? []) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    transitiveDeps(tree, dep, seen);
  }
  return seen;
}

test('the guest modules of the installed kernel load after all of their dependencies', { skip }, async () => {
  const tree = await readModuleTree(kernel!.modulesDir);
  const plan = resolveModules(tree, GUEST);
  const order = plan.load.map((m) => m.name);
  assert.equal(new Set(order).size, order.length, 'no module twice');
  assert.deepEqual(plan.missing, []);
  for (const [i, m] of plan.load.entries()) {
    for (const dep of transitiveDeps(tree, m.name)) {
      if (tree.builtin.has(dep)) continue;
      const at = order.indexOf(dep);
      assert.ok(at !== -1 && at < i, `${dep} must load before ${m.name} (order: ${order.join(' ')})`);
    }
  }
  // The exact failure fakemachine 0.0.4 hit here: virtio before virtio_ring.
  for (const [before, after] of [['virtio_ring', 'virtio'], ['virtio', 'virtio_pci'], ['9pnet', '9pnet_virtio'], ['jbd2', 'ext4']] as const) {
    if (order.includes(before) && order.includes(after)) assert.ok(order.indexOf(before) < order.indexOf(after), `${before} before ${after}`);
  }
  for (const w of GUEST) assert.ok(order.includes(w.name) || plan.builtin.includes(w.name), `${w.name} loaded or built in`);
});

test('what the agent needs loads first: the shares with their dependencies, nothing else', { skip }, async () => {
  const tree = await readModuleTree(kernel!.modulesDir);
  const plan = resolveModules(tree, GUEST);
  const early = plan.load.filter((m) => m.beforeAgent).map((m) => m.name);
  assert.deepEqual(plan.load.slice(0, early.length).map((m) => m.name), early, 'before the others');
  const needed = new Set([...BEFORE_AGENT].flatMap((name) => [name, ...transitiveDeps(tree, name)]).filter((name) => !tree.builtin.has(name)));
  assert.deepEqual(new Set(early), needed);
  for (const name of ['virtio_console', 'ext4', 'jbd2', 'virtio_blk', 'overlay']) assert.ok(!early.includes(name), `${name} loads while the agent starts`);
});

test("ext4's softdep on crypto-crc32c is resolved through modules.alias, loaded first, and optional", { skip }, async () => {
  const tree = await readModuleTree(kernel!.modulesDir);
  const softdep = tree.softdeps.get('ext4') ?? [];
  if (!softdep.includes('crypto-crc32c')) return;
  const plan = resolveModules(tree, [{ name: 'ext4', required: true, why: 'test' }]);
  const order = plan.load.map((m) => m.name);
  const crc = plan.load.find((m) => m.name === 'crc32c_generic');
  assert.ok(crc, `crc32c_generic is loaded (order: ${order.join(' ')})`);
  assert.equal(crc.required, false);
  assert.ok(order.indexOf('crc32c_generic') < order.indexOf('ext4'));
  assert.equal(plan.load.find((m) => m.name === 'ext4')?.required, true);
});

test('built-in modules of the installed kernel are skipped, not loaded', { skip }, async () => {
  const tree = await readModuleTree(kernel!.modulesDir);
  const builtin = [...tree.builtin].find((n) => !tree.modules.has(n));
  assert.ok(builtin, 'the kernel has built-in modules');
  const plan = resolveModules(tree, [{ name: builtin, required: true, why: 'test' }]);
  assert.deepEqual(plan.load, []);
  assert.deepEqual(plan.builtin, [builtin]);
  assert.deepEqual(plan.missing, []);
});

test('a kernel with virtio_pci built in (as Ubuntu and Debian 13 build it) loads only what else is needed', { skip }, async (t) => {
  const dir = await tempDir(t);
  const dep = await readFile(join(kernel!.modulesDir, 'modules.dep'), 'utf8');
  const builtin = await readFile(join(kernel!.modulesDir, 'modules.builtin'), 'utf8');
  const pciLine = dep.split('\n').find((l) => /^kernel\/drivers\/virtio\/virtio_pci\.ko(\.\w+)?:/.test(l));
  await writeFile(join(dir, 'modules.dep'), dep.split('\n').filter((l) => l !== pciLine).join('\n'));
  await writeFile(join(dir, 'modules.builtin'), `${builtin}kernel/drivers/virtio/virtio_pci.ko\n`);
  const tree = await readModuleTree(dir);
  const plan = resolveModules(tree, GUEST.slice(0, 2));
  const order = plan.load.map((m) => m.name);
  assert.ok(plan.builtin.includes('virtio_pci'), plan.builtin.join(' '));
  assert.ok(!order.includes('virtio_pci') && !order.includes('virtio_pci_modern_dev'), order.join(' '));
  // What loads is virtio_console and its dependencies, or nothing where it is built in too.
  const consoleDeps = transitiveDeps(tree, 'virtio_console');
  assert.deepEqual(order.filter((n) => !consoleDeps.has(n)), order.includes('virtio_console') ? ['virtio_console'] : []);
});

test('compressed modules (.ko.xz, .ko.zst, .ko.gz) are unpacked to the original module', { skip }, async (t) => {
  const dir = await tempDir(t);
  const real = await readModuleTree(kernel!.modulesDir);
  // ext4 and what it depends on: modules in Debian's kernels (12: plain .ko, 13: .ko.xz).
  const picks = [['crc16', 'xz'], ['mbcache', 'zst'], ['jbd2', 'gz'], ['ext4', 'xz']] as const;
  const plainFile = (name: string) => real.modules.get(name)!.file.replace(/\.ko\.\w+$/, '.ko');
  const packed = (name: string) => `${plainFile(name)}.${picks.find(([p]) => p === name)?.[1]}`;
  const lines: string[] = [];
  for (const [name, ext] of picks) {
    const mod = real.modules.get(name);
    assert.ok(mod, `${name} is a module in ${kernel!.release}`);
    const plain = join(dir, plainFile(name));
    await mkdir(dirname(plain), { recursive: true });
    await writeFile(plain, await readModule(real, mod.file));
    const tool = { xz: ['xz', '-k'], zst: ['zstd', '-q', '-k'], gz: ['gzip', '-k'] }[ext];
    execFileSync(tool[0]!, [...tool.slice(1), plain]);
    lines.push(`${packed(name)}: ${mod.deps.map(packed).join(' ')}`);
  }
  await writeFile(join(dir, 'modules.dep'), lines.join('\n') + '\n');
  const tree = await readModuleTree(dir);
  const plan = resolveModules(tree, [{ name: 'ext4', required: true, why: 'test' }]);
  assert.deepEqual(plan.load.map((m) => m.name).sort(), ['crc16', 'ext4', 'jbd2', 'mbcache']);
  assert.equal(plan.load.at(-1)?.name, 'ext4');
  for (const m of plan.load) {
    const unpacked = await readModule(tree, m.file);
    assert.deepEqual(unpacked, await readModule(real, real.modules.get(m.name)!.file), `${m.file} unpacks to the original`);
    assert.equal(unpacked.readUInt32BE(0), 0x7f454c46, 'an ELF object');
  }
});

test('an unknown compression and a missing module are reported', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'modules.dep'), 'kernel/a.ko.lz4:\n');
  const tree = await readModuleTree(dir);
  await assert.rejects(readModule(tree, 'kernel/a.ko.lz4'), HostError);
  const plan = resolveModules(tree, [{ name: 'nope', required: false, why: 'test' }]);
  assert.deepEqual(plan.missing.map((m) => m.name), ['nope']);
  await assert.rejects(readModuleTree(join(dir, 'absent')), /modules\.dep/);
});

test('module names: dashes are underscores, compression suffixes go', () => {
  assert.equal(moduleName('kernel/drivers/char/hw_random/virtio-rng.ko.xz'), 'virtio_rng');
  assert.equal(moduleName('crc32c-intel'), 'crc32c_intel');
  const deps = parseModulesDep('kernel/a-b.ko: kernel/c.ko.zst kernel/d-e.ko\nkernel/c.ko.zst:\n');
  assert.deepEqual(deps.get('a_b'), { file: 'kernel/a-b.ko', deps: ['c', 'd_e'] });
  assert.deepEqual(parseSoftdeps('softdep ext4 pre: crypto-crc32c post: foo\n# softdep x pre: y\nsoftdep jbd2 pre: a b\n'), new Map([['ext4', ['crypto-crc32c']], ['jbd2', ['a', 'b']]]));
});

test('a dependency cycle does not loop forever', () => {
  const tree: ModuleTree = {
    dir: '/',
    modules: new Map([['a', { file: 'a.ko', deps: ['b'] }], ['b', { file: 'b.ko', deps: ['a'] }]]),
    builtin: new Set(),
    softdeps: new Map(),
    aliases: new Map(),
  };
  assert.deepEqual(resolveModules(tree, [{ name: 'a', required: true, why: 't' }]).load.map((m) => m.name), ['b', 'a']);
});
