// The guest's initramfs: a static busybox, the kernel modules the guest needs before it
// can reach its shares and disks (unpacked, loaded by /init in dependency order), the
// /init script, and the skeleton around them (/etc links into the host's /etc, the
// guest's own network files). Everything else comes from the host over 9p.
import { readFile } from 'node:fs/promises';
import { HostError } from '../../core/errors.js';
import { which } from '../../util/which.js';
import { CpioWriter } from './cpio.js';
import { BUSYBOX, type GuestPlan, INITRAMFS_DIR, type ModuleLoad, initScript } from './init-script.js';
import { type ModuleToLoad, type ModuleTree, readModule } from './modules.js';

/** Where a module goes in the initramfs. */
export const moduleLoads = (modules: readonly ModuleToLoad[]): ModuleLoad[] =>
  modules.map((m) => ({ name: m.name, path: `${INITRAMFS_DIR}/modules/${m.name}.ko`, required: m.required, beforeAgent: m.beforeAgent }));

/** Whether an ELF program needs a dynamic loader (PT_INTERP), which the initramfs lacks. */
export function isDynamicElf(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = elf[4] === 2;
  const phoff = is64 ? Number(elf.readBigUInt64LE(32)) : elf.readUInt32LE(28);
  const phentsize = elf.readUInt16LE(is64 ? 54 : 42);
  const phnum = elf.readUInt16LE(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 <= elf.length && elf.readUInt32LE(at) === 3) return true;
  }
  return false;
}

/** The host's static busybox. */
export async function staticBusybox(): Promise<{ path: string; data: Buffer }> {
  const hint = 'apt-get install busybox-static';
  const path = (await which('busybox')) ?? '/bin/busybox';
  const data = await readFile(path).catch(() => {
    throw new HostError('the VM needs busybox for its initramfs, and there is none on this host', { hint });
  });
  if (isDynamicElf(data)) throw new HostError(`${path} is linked dynamically; the VM's initramfs needs a static busybox`, { hint });
  return { path, data };
}

const GUEST_HOSTS = '127.0.0.1\tlocalhost\n127.0.1.1\tdebstep-vm\n::1\tlocalhost ip6-localhost ip6-loopback\n';

export interface InitramfsContent {
  readonly plan: GuestPlan;
  readonly busybox: Buffer;
  readonly tree: ModuleTree;
  readonly modules: readonly ModuleToLoad[];
  readonly links: readonly (readonly [string, string])[];
  readonly nameserver: string;
}

/** The initramfs as an uncompressed newc archive: the kernel unpacks it faster than
 * gzip under TCG, and QEMU loads it from the host's page cache. */
export async function buildInitramfs(c: InitramfsContent): Promise<Buffer> {
  const cpio = new CpioWriter();
  cpio.charDevice('/dev/console', 5, 1);
  for (const dir of ['/proc', '/sys', '/run', '/usr', '/mnt', '/var/lib', '/var/cache', '/var/log', '/etc']) cpio.dir(dir);
  for (const dir of ['/tmp', '/var/tmp']) cpio.dir(dir, 0o1777);
  cpio.dir('/root', 0o700);
  cpio.symlink('/var/run', '/run');
  cpio.file(BUSYBOX, c.busybox, 0o755);
  const loads = moduleLoads(c.modules);
  for (const [i, m] of c.modules.entries()) cpio.file(loads[i]!.path, await readModule(c.tree, m.file));
  for (const [path, target] of c.links) cpio.symlink(path, target);
  cpio.file('/etc/hostname', 'debstep-vm\n');
  cpio.file('/etc/hosts', GUEST_HOSTS);
  cpio.file('/etc/resolv.conf', `nameserver ${c.nameserver}\n`);
  cpio.file('/etc/fstab', '');
  cpio.symlink('/etc/mtab', '/proc/self/mounts');
  cpio.file('/init', initScript(c.plan), 0o755);
  return cpio.finish();
}
