import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createExt4Image } from '../../../src/vm/qemu/disk-image.js';
import { type GuestPlan } from '../../../src/vm/qemu/init-script.js';
import { buildInitramfs, isDynamicElf, moduleLoads, staticBusybox } from '../../../src/vm/qemu/initramfs.js';
import { chooseKernel } from '../../../src/vm/qemu/kernel.js';
import { readModuleTree, resolveModules } from '../../../src/vm/qemu/modules.js';

const kernel = await chooseKernel({}).catch(() => undefined);

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-initramfs-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a static busybox is found; a dynamic program is told apart', async () => {
  const busybox = await staticBusybox();
  assert.equal(isDynamicElf(busybox.data), false);
  assert.equal(isDynamicElf(await readFile(process.execPath)), true, 'node is linked dynamically');
  assert.equal(isDynamicElf(Buffer.from('#!/bin/sh\n')), false);
});

test('the initramfs unpacks to busybox, /init, the modules in place and the links', { skip: kernel ? false : 'no kernel installed' }, async (t) => {
  const dir = await tempDir(t);
  const tree = await readModuleTree(kernel!.modulesDir);
  const { load } = resolveModules(tree, [{ name: 'virtio_console', required: true, why: 'test' }]);
  const plan: GuestPlan = { modules: moduleLoads(load), mounts: [], msize: 8192, agent: { argv: ['/bin/true'], env: {} }, disks: [], tmpfs: [], dirs: [], binfmt: [] };
  const archive = await buildInitramfs({ plan, busybox: (await staticBusybox()).data, tree, modules: load, links: [['/bin', 'usr/bin'], ['/etc/passwd', '/.debstep/host/etc/passwd']], nameserver: '10.0.2.3' });
  await writeFile(join(dir, 'initramfs.cpio'), archive);
  await mkdir(join(dir, 'x'));
  execFileSync('busybox', ['cpio', '-i', '-d', '-F', join(dir, 'initramfs.cpio')], { cwd: join(dir, 'x'), stdio: 'pipe' });
  const x = (p: string) => join(dir, 'x', p);
  assert.match(await readFile(x('init'), 'utf8'), /^#!\/\.debstep\/busybox sh\n/);
  assert.equal((await stat(x('init'))).mode & 0o111, 0o111);
  assert.equal((await stat(x('.debstep/busybox'))).mode & 0o111, 0o111);
  for (const m of load) {
    const packed = await readFile(x(`.debstep/modules/${m.name}.ko`));
    assert.equal(packed.readUInt32BE(0), 0x7f454c46, `${m.name} is an unpacked ELF module`);
  }
  assert.equal(await readlink(x('bin')), 'usr/bin');
  assert.equal(await readlink(x('etc/passwd')), '/.debstep/host/etc/passwd');
  assert.equal(await readFile(x('etc/resolv.conf'), 'utf8'), 'nameserver 10.0.2.3\n');
  assert.equal((await stat(x('tmp'))).mode & 0o7777, 0o1777);
});

test('a disk image is a sparse ext4 file holding the directory it was made from, made without root', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'layers', 'base'), { recursive: true });
  await writeFile(join(dir, 'layers', 'base', 'marker'), 'in the image\n');
  const image = join(dir, 'layers.img');
  await createExt4Image(image, 1024 ** 3, 'debstep-layers', join(dir, 'layers'));
  const st = await stat(image);
  assert.equal(st.size, 1024 ** 3);
  assert.ok(st.blocks * 512 < 64 * 1024 ** 2, `sparse: ${st.blocks * 512} bytes used`);
  assert.equal(execFileSync('debugfs', ['-R', 'cat /base/marker', image], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(), 'in the image\n');
  await assert.rejects(createExt4Image(image, 1024 ** 3, 'again'), /EEXIST/, 'an existing image is never overwritten');
});
