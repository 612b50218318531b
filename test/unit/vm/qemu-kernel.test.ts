import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostError } from '../../../src/core/errors.js';
import { type KernelPlaces, byVersionDescending, chooseKernel, kernelPackage } from '../../../src/vm/qemu/kernel.js';

/** A fake host: kernels in boot/ and modules in modules/<release>/modules.dep. */
async function host(t: { after: (fn: () => Promise<void>) => void }, running: string, images: string[], modules: string[]): Promise<KernelPlaces> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-kernel-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'boot'));
  await mkdir(join(dir, 'modules'));
  for (const rel of images) await writeFile(join(dir, 'boot', `vmlinuz-${rel}`), 'kernel');
  for (const rel of modules) {
    await mkdir(join(dir, 'modules', rel));
    await writeFile(join(dir, 'modules', rel, 'modules.dep'), '');
  }
  return { boot: join(dir, 'boot'), modules: join(dir, 'modules'), runningRelease: running };
}

test('the running kernel, when its modules are installed', async (t) => {
  const places = await host(t, '6.1.0-56-amd64', ['6.1.0-56-amd64', '6.1.0-60-amd64'], ['6.1.0-56-amd64', '6.1.0-60-amd64']);
  const k = await chooseKernel({}, places);
  assert.equal(k.release, '6.1.0-56-amd64');
  assert.equal(k.image, join(places.boot, 'vmlinuz-6.1.0-56-amd64'));
  assert.equal(k.modulesDir, join(places.modules, '6.1.0-56-amd64'));
  assert.match(k.reason, /running kernel/);
});

test('a running kernel without modules (a container, a vendor kernel): the newest installed one, saying why', async (t) => {
  const places = await host(t, '6.18.44-fc-v769', ['6.1.0-9-amd64', '6.1.0-56-amd64', '6.1.0-60-amd64'], ['6.1.0-9-amd64', '6.1.0-56-amd64']);
  const k = await chooseKernel({}, places);
  assert.equal(k.release, '6.1.0-56-amd64', 'the newest with both image and modules, compared numerically');
  assert.match(k.reason, /newest installed kernel 6\.1\.0-56-amd64.*running kernel 6\.18\.44-fc-v769/);
});

test('no kernel at all: an error naming the package to install', async (t) => {
  const places = await host(t, '6.18.44-fc-v769', [], []);
  await assert.rejects(chooseKernel({}, places), (err: HostError) => {
    assert.ok(err instanceof HostError);
    assert.match(err.hint ?? '', new RegExp(kernelPackage()));
    assert.match(err.message, /no kernel to boot the VM/);
    return true;
  });
});

test('an explicit kernel finds its modules by release; explicit modules need an image', async (t) => {
  const places = await host(t, 'x', ['6.1.0-56-amd64'], ['6.1.0-56-amd64']);
  const k = await chooseKernel({ kernel: join(places.boot, 'vmlinuz-6.1.0-56-amd64') }, places);
  assert.equal(k.modulesDir, join(places.modules, '6.1.0-56-amd64'));
  assert.equal(k.reason, 'the kernel given explicitly');
  const byModules = await chooseKernel({ modules: join(places.modules, '6.1.0-56-amd64') }, places);
  assert.equal(byModules.image, join(places.boot, 'vmlinuz-6.1.0-56-amd64'));
  await assert.rejects(chooseKernel({ kernel: join(places.boot, 'bzImage') }, places), /no modules/);
});

test('versions sort numerically, newest first', () => {
  assert.deepEqual(['6.1.0-9-amd64', '6.1.0-56-amd64', '5.10.0-30-amd64', '6.10.1'].sort(byVersionDescending), ['6.10.1', '6.1.0-56-amd64', '6.1.0-9-amd64', '5.10.0-30-amd64']);
});

test('on this host: a kernel is chosen with a reason (skipped without one)', async (t) => {
  const k = await chooseKernel({}).catch(() => undefined);
  if (!k) return t.skip('no kernel with modules installed');
  assert.ok(k.reason.length > 10);
  assert.ok(k.modulesDir.endsWith(k.release));
});
