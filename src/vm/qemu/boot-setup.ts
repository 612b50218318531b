// Everything a guest needs before QEMU starts, decided and built on the host: the
// acceleration, the kernel and its modules, what the guest sees of the host, its disks,
// the initramfs and the QEMU command line. Each decision is reported with its reason.
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HostError } from '../../core/errors.js';
import { defaultStateDir } from '../../core/state-dir.js';
import { pathExists } from '../../util/exists.js';
import { which } from '../../util/which.js';
import { kvmProblem } from './accel-probe.js';
import { type AccelDecision, decideAccel } from './accel.js';
import { AGENT_NODE_FLAGS, agentProgram, packageRoot } from './agent-launch.js';
import { agentSnapshot } from './agent-snapshot.js';
import { hostBinfmtRegistrations } from './binfmt-handlers.js';
import { createExt4Image } from './disk-image.js';
import { storeDisk } from './store-disk.js';
import { forGuest, hostProxyEnv } from './guest-env.js';
import { guestLayout, nodePrefix } from './guest-layout.js';
import { buildInitramfs, moduleLoads, staticBusybox } from './initramfs.js';
import type { GuestDisk, GuestMount, GuestPlan } from './init-script.js';
import { type KernelChoice, chooseKernel } from './kernel.js';
import { type ModulePlan, type ModuleTree, type WantedModule, readModuleTree, resolveModules } from './modules.js';
import { type QemuMachineOptions, diskBytes, memoryMb } from './options.js';
import type { AgentConfig } from './protocol.js';
import { pvhKernel } from './pvh-kernel.js';
import { TCG_CPU, qemuArgv } from './qemu-argv.js';

/** What the guest loads from its initramfs; anything else comes from the host's modules
 * directory on demand (the kernel runs modprobe from the host's /usr). The agent (node,
 * from the host's /usr) needs only the shares to start. */
const GUEST_MODULES: readonly WantedModule[] = [
  { name: 'virtio_pci', required: true, why: 'virtio devices', beforeAgent: true },
  { name: 'virtio_console', required: true, why: 'the control channel' },
  { name: '9pnet_virtio', required: true, why: 'host shares', beforeAgent: true },
  { name: '9p', required: true, why: 'host shares', beforeAgent: true },
  { name: 'virtio_blk', required: true, why: 'the layers disk' },
  { name: 'ext4', required: true, why: 'the layers disk' },
  { name: 'overlay', required: true, why: 'the layered root' },
  { name: 'virtio_net', required: false, why: 'the network' },
  { name: 'loop', required: false, why: 'disk images' },
  { name: 'binfmt_misc', required: false, why: 'foreign architectures' },
];

const CONTROL_PORT = 'debstep.control';
const LAYERS_SERIAL = 'debstep-layers';
const SCRATCH_SERIAL = 'debstep-scratch';
/** Disk images' serials: debstep-image-0, -1… (virtio-blk keeps 20 characters). */
export const imageSerial = (i: number) => `debstep-image-${i}`;
/** The addresses QEMU's user-mode network gives a guest. */
const NETWORK = { address: '10.0.2.15/24', gateway: '10.0.2.2', nameserver: '10.0.2.3' };
/**
 * Kernel arguments that shorten the boot under TCG (measured here, bench/RESULTS.md):
 * PCI without ACPI, whose IRQ routing is interpreted AML and cost 0.13 s per virtio
 * device plus the bus scan; no crypto self-tests (0.35 s), no speculation mitigations to
 * patch in, no read-only kernel data to set up and check (0.2 s), no KDF self-test and
 * CUBIC (reno remains) in a throw-away guest that runs nothing but the build.
 */
const BOOT_SPEEDUPS = ['pci=noacpi', 'cryptomgr.notests', 'mitigations=off', 'rodata=off', 'initcall_blacklist=crypto_kdf108_init,cubictcp_register'];
/**
 * Under TCG, no address space randomisation in the guest. QEMU 7.2 finds the code it has
 * already translated by the guest's virtual address: with ASLR every process maps ld.so and
 * its libraries somewhere else, so each exec translates them all again. A build execs
 * thousands of programs (dpkg, maintainer scripts); measured here (bench/RESULTS.md): a
 * dynamically linked `true` 56 → 18 ms, `perl -e 1` 400 → 190 ms, and a whole
 * debootstrap + apt build of the README's example 479 → 324 s. The guest only builds and
 * is thrown away; the image is not affected (this is the build VM's kernel command line).
 */
const TCG_SPEEDUPS = ['norandmaps'];

/** The guest kernel's command line. */
export function kernelCommandLine(accel: 'kvm' | 'tcg', showBoot: boolean, extra: readonly string[] = []): string[] {
  return ['console=ttyS0', 'panic=-1', ...BOOT_SPEEDUPS, ...(accel === 'tcg' ? TCG_SPEEDUPS : []), ...(showBoot ? ['loglevel=7'] : ['quiet']), ...extra];
}
/** No inode-table zeroing in the background (it would fill the sparse image); discard, so
 * what the guest deletes (dropped layers) is given back to the host. */
const DISK_OPTIONS = 'noatime,noinit_itable,discard';
/** 9p message size: larger messages, fewer round trips for big files. */
const MSIZE = 512 * 1024;

export interface BootSetup {
  readonly argv: readonly string[];
  readonly accel: AccelDecision;
  readonly kernel: KernelChoice;
  /** What the guest mounts, for telling which host paths it sees. */
  readonly mounts: readonly GuestMount[];
  readonly controlSocket: string;
  /** Where the guest has the layer cache's store, when this VM has it. */
  readonly storeDir?: string;
  /** The disk images the guest has, by file. */
  readonly images: readonly { readonly path: string; readonly serial: string }[];
}

type Say = (source: string, message: string) => void;


function planModules(tree: ModuleTree, kernel: KernelChoice, say: Say): ModulePlan {
  const plan = resolveModules(tree, GUEST_MODULES);
  for (const m of plan.missing) {
    if (m.required) {
      throw new HostError(`the kernel ${kernel.release} has no ${m.name} module, which the VM needs for ${m.why}`, {
        hint: 'boot a kernel with virtio, 9p, ext4 and overlayfs (a distribution kernel such as linux-image-amd64), passing its image and modules',
      });
    }
    say('modules', `${m.name} is not available in ${kernel.release}: the guest has no ${m.why}`);
  }
  if (plan.builtin.length) say('modules', `built into the kernel, not loaded: ${plan.builtin.join(', ')}`);
  return plan;
}

/** Where what is made once for many VMs (the unpacked kernel, the agent's snapshot) is kept. */
export const vmCacheDir = (opts: QemuMachineOptions) => opts.cacheDir ?? join(defaultStateDir(), 'cache', 'vm');

async function unpackedKernel(image: string, opts: QemuMachineOptions, tempDir: string) {
  // A cache directory that cannot be written: unpacked in the temporary one instead, whose failure is thrown.
  return pvhKernel(image, vmCacheDir(opts)).catch(() => pvhKernel(image, tempDir));
}

interface Disks {
  readonly qemu: { readonly path: string; readonly serial: string; readonly blockSize?: number }[];
  readonly guest: GuestDisk[];
  readonly tmpfs: string[];
  /** Where the guest mounts the layer cache's store, when this VM has it. */
  storeDir?: string;
}

/** The layers disk (reused when it exists), the layer store's disk, and the scratch disk or tmpfs. */
async function prepareDisks(opts: QemuMachineOptions, say: Say, detail: Say, temporary: (path: string) => void): Promise<Disks> {
  const scratchDir = opts.scratchDir ?? '/scratch';
  const scratchBytes = opts.scratchSize === undefined ? undefined : diskBytes(opts.scratchSize, 'the scratch disk');
  const layersImage = opts.layersImage ?? `${opts.layersDir}.img`;
  if (await pathExists(layersImage)) {
    detail('disks', `layers: reusing ${layersImage}`);
  } else {
    const bytes = diskBytes(opts.layersSize ?? '64GiB', 'the layers disk');
    await createExt4Image(layersImage, bytes, 'debstep-layers', (await pathExists(opts.layersDir)) ? opts.layersDir : undefined);
    detail('disks', `layers: made ${layersImage} (sparse ext4, ${bytes} bytes) from ${opts.layersDir}`);
  }
  const disks: Disks = {
    qemu: [{ path: layersImage, serial: LAYERS_SERIAL }],
    guest: [{ serial: LAYERS_SERIAL, path: opts.layersDir, options: DISK_OPTIONS }],
    tmpfs: scratchBytes === undefined ? [scratchDir] : [],
  };
  if (opts.layerStore) {
    const store = await storeDisk(opts.layerStore, DISK_OPTIONS);
    if ('unavailable' in store) say('cache', store.unavailable);
    else {
      // Its lock goes with the machine's other leftovers, also when debstep exits without close().
      temporary(`${opts.layerStore.image}.lock`);
      disks.qemu.push(store.qemu);
      disks.guest.push(store.guest);
      disks.storeDir = store.guest.path;
      detail('disks', `layer cache: ${store.qemu.path} at ${store.guest.path}`);
    }
  }
  if (scratchBytes !== undefined) {
    // Beside the layers, on a disk: a sparse file on a tmpfs /tmp would fill the RAM.
    const image = join(dirname(layersImage), `scratch-${randomBytes(4).toString('hex')}.img`);
    temporary(image);
    await createExt4Image(image, scratchBytes, 'debstep-scratch');
    disks.qemu.push({ path: image, serial: SCRATCH_SERIAL });
    disks.guest.push({ serial: SCRATCH_SERIAL, path: scratchDir, options: DISK_OPTIONS });
    detail('disks', `scratch: ${image} (sparse ext4, ${scratchBytes} bytes) at ${scratchDir}`);
  } else {
    detail('disks', `scratch: tmpfs at ${scratchDir}`);
  }
  for (const [i, image] of (opts.images ?? []).entries()) {
    await createImage(image.path, image.bytes);
    disks.qemu.push({ path: image.path, serial: imageSerial(i), blockSize: image.sectorSize });
    detail('disks', `image: ${image.path} (sparse, ${image.bytes} bytes, ${image.sectorSize}-byte sectors) as disk ${imageSerial(i)}`);
  }
  return disks;
}

/** A new sparse, blank disk image (an existing file is emptied), as fakemachine's CreateImage. */
async function createImage(path: string, bytes: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'w').catch((err: Error) => {
    throw new HostError(`cannot make the disk image ${path}: ${err.message}`);
  });
  try {
    await file.truncate(bytes);
  } catch (err) {
    throw new HostError(`cannot make the disk image ${path} ${bytes} bytes long: ${(err as Error).message}`);
  } finally {
    await file.close();
  }
}

/** Prepares the boot in `tempDir`; `temporary` hears of files made elsewhere for this machine only. */
export async function prepareBoot(opts: QemuMachineOptions, tempDir: string, temporary: (path: string) => void, say: Say, detail: Say): Promise<BootSetup> {
  const memory = memoryMb(opts.memory);
  const qemu = await which('qemu-system-x86_64');
  if (!qemu) throw new HostError('the VM backend needs qemu-system-x86_64, and it is not installed', { hint: 'apt-get install qemu-system-x86' });
  const [accel, kernel, busybox, binfmt, agent] = await Promise.all([
    // The same KVM check as the backend choice's (answered from its cache by now).
    decideAccel(opts.accel ?? 'auto', () => kvmProblem({ cacheDir: vmCacheDir(opts), kernel: opts.kernel, modules: opts.modules, onProbe: (m) => say('accel', m) })),
    chooseKernel({ ...(opts.kernel ? { kernel: opts.kernel } : {}), ...(opts.modules ? { modules: opts.modules } : {}) }),
    staticBusybox(),
    hostBinfmtRegistrations(),
    agentProgram(tempDir),
  ]);
  say('accel', accel.reason);
  say('kernel', `${kernel.image}: ${kernel.reason}; modules from ${kernel.modulesDir}`);
  const boot = await unpackedKernel(kernel.image, opts, tempDir);
  detail('kernel', boot.note);
  const tree = await readModuleTree(kernel.modulesDir);
  const modules = planModules(tree, kernel, say);
  detail('modules', `load order: ${modules.load.map((m) => m.name).join(' ')}`);
  detail('agent', agent.note);
  // Under KVM node starts in a fraction of a second: not worth a snapshot.
  const snapshot = accel.accel === 'tcg' ? await agentSnapshot(agent.script, TCG_CPU, vmCacheDir(opts)) : undefined;
  if (snapshot) detail('agent', snapshot.note);

  const layout = await guestLayout({
    shares: opts.shares ?? [],
    kernelRelease: kernel.release,
    // tempDir holds the agent and what is staged for copying into the root.
    readOnly: [packageRoot(), tempDir, ...[nodePrefix(process.execPath), snapshot?.blob && dirname(snapshot.blob)].filter((p): p is string => p !== undefined)],
  });
  for (const m of layout.mounts) {
    detail('mounts', m.type === 'bind' ? `${m.path}: the host's ${m.hostPath}, read-only` : `${m.path}: 9p share ${m.tag} of the host's ${m.hostPath}, ${m.readOnly ? 'read-only' : 'read-write'}, cache=${m.cache}`);
  }

  const disks = await prepareDisks(opts, say, detail, temporary);

  const config: AgentConfig = { port: CONTROL_PORT, rootDir: opts.rootDir, aliveEveryMs: 2000, ...(disks.storeDir ? { storeDir: disks.storeDir } : {}) };
  const configPath = join(tempDir, 'agent.json');
  await writeFile(configPath, JSON.stringify(config));
  const withoutSnapshot = [process.execPath, ...AGENT_NODE_FLAGS, agent.script, configPath];
  const plan: GuestPlan = {
    modules: moduleLoads(modules.load),
    mounts: layout.mounts,
    msize: MSIZE,
    agent: {
      ...(snapshot?.blob ? { argv: [process.execPath, ...AGENT_NODE_FLAGS, '--snapshot-blob', snapshot.blob, configPath], withoutSnapshot } : { argv: withoutSnapshot }),
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: '/root',
        LANG: 'C.UTF-8',
        TERM: process.env.TERM ?? 'xterm-256color',
        ...hostProxyEnv(),
        ...forGuest(opts.env ?? {}),
      },
    },
    disks: disks.guest,
    tmpfs: disks.tmpfs,
    dirs: [opts.rootDir],
    network: NETWORK,
    binfmt,
  };
  const initrd = join(tempDir, 'initramfs.cpio');
  await writeFile(initrd, await buildInitramfs({ plan, busybox: busybox.data, tree, modules: modules.load, links: layout.links, nameserver: NETWORK.nameserver }));
  detail('initramfs', `${initrd}: busybox from ${busybox.path}, ${modules.load.length} modules, ${binfmt.length} binfmt handlers`);

  const controlSocket = join(tempDir, 'control.sock');
  const argv = qemuArgv({
    binary: qemu,
    accel: accel.accel,
    memoryMb: memory,
    cpus: opts.cpus ?? 2,
    kernel: boot.path,
    initrd,
    append: kernelCommandLine(accel.accel, opts.showBoot ?? false, opts.kernelArgs),
    shares: layout.exports,
    disks: disks.qemu,
    controlSocket,
    controlPort: CONTROL_PORT,
    network: true,
  });
  detail('qemu', argv.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' '));
  const images = (opts.images ?? []).map((image, i) => ({ path: image.path, serial: imageSerial(i) }));
  return { argv, accel, kernel, mounts: layout.mounts, controlSocket, images, ...(disks.storeDir ? { storeDir: disks.storeDir } : {}) };
}
