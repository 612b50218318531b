// The block devices of disk images, where the machine's commands run: loop devices on the
// host, virtio disks (found by serial) in a VM. No udev is assumed (there is none in many
// containers, nor in the VM): partition nodes are waited for here, with a bound, and the
// kernel is told a partition table it did not read itself with partx, which parses the
// table in user space (kernels built without partition table support, as this project's
// test machine's is, and a BLKRRPART from sfdisk that dropped the partitions).
import { type FileHandle, open, readFile, readdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BuildError, HostError } from '../../core/errors.js';
import type { BlockDevice } from '../machine.js';
import { hostBaseEnv, spawnCommand } from './exec.js';

/** Runs a command to completion: its exit status and output lines. */
export type Run = (argv: readonly string[]) => Promise<{ readonly status: number | null; readonly output: readonly string[] }>;

/** Runs a command of the machine's own (not an action's), keeping its output for the caller. */
export const quietRun: Run = async (argv) => {
  const output: string[] = [];
  const r = await spawnCommand(argv, { env: hostBaseEnv() }, (_s, l) => output.push(l));
  return { status: r.exitStatus, output };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = (path: string) => readFile(path, 'utf8').then((s) => s.trim(), () => undefined);

/** How long partition nodes may take to appear. */
export const NODE_WAIT_MS = 10_000;
/** losetup -f can lose a free device to another process attaching at the same moment. */
const ATTACH_TRIES = 10;

/** The node of partition `n` of `device`: /dev/loop0 → /dev/loop0p1, /dev/vdb → /dev/vdb1. */
export function partitionNode(device: string, n: number): string {
  return /\d$/.test(device) ? `${device}p${n}` : `${device}${n}`;
}

/** The rdev a stat gives for device `major:minor` (glibc's makedev, in arithmetic that
 * stays exact beyond 32 bits). */
export function makedev(number: string): number {
  const [major = 0, minor = 0] = number.split(':').map(Number);
  return (minor % 256) + (major % 4096) * 2 ** 8 + Math.floor(minor / 256) * 2 ** 20 + Math.floor(major / 4096) * 2 ** 44;
}

const sysBlock = (device: string) => `/sys/class/block/${basename(device)}`;

async function sizeOf(device: string): Promise<number> {
  const sectors = await read(`${sysBlock(device)}/size`);
  return Number(sectors ?? 0) * 512;
}

/**
 * An attached loop device: open while the build uses it. Attaching sets the kernel's
 * autoclear flag (LOOP_CLR_FD on a device someone holds open, here this process), so the
 * kernel detaches it as soon as its last user goes: when `release` closes it after the
 * unmounts, or when debstep dies, whatever kills it, and its private mount namespace with
 * the image's mounts goes with it.
 */
export class LoopDevice {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async attach(file: string, sectorSize: number, run: Run): Promise<LoopDevice> {
    const argv = ['losetup', '--partscan', '--show', '--find', ...(sectorSize !== 512 ? ['--sector-size', String(sectorSize)] : []), file];
    let last: readonly string[] = [];
    for (let attempt = 1; attempt <= ATTACH_TRIES; attempt++) {
      const r = await run(argv);
      const path = r.output.find((l) => l.startsWith('/dev/'));
      if (r.status === 0 && path) {
        const handle = await open(path, 'r');
        const device = new LoopDevice(path, handle);
        await device.autoclear(run).catch(async (err: unknown) => {
          await handle.close();
          await run(['losetup', '--detach', path]);
          throw err;
        });
        return device;
      }
      last = r.output;
      await sleep(100 * attempt);
    }
    throw new HostError(`cannot attach ${file} as a loop device (${argv.join(' ')}): ${last.join(' ') || 'no output'}`, {
      hint: 'the host backend needs loop devices (modprobe loop); or build with --backend vm',
    });
  }

  private async autoclear(run: Run): Promise<void> {
    const r = await run(['losetup', '--detach', this.path]);
    const flag = await read(`${sysBlock(this.path)}/loop/autoclear`);
    if (r.status !== 0 || flag !== '1') {
      throw new HostError(`cannot make ${this.path} detach itself when the build ends (losetup --detach: ${r.output.join(' ') || `exit status ${r.status}`})`);
    }
  }

  /** Closes it; the kernel then detaches it (waited for, bounded, when `wait`), unless
   * something still uses it. */
  async release(wait = true): Promise<void> {
    await this.handle.close();
    if (!wait) return;
    const deadline = Date.now() + NODE_WAIT_MS;
    while ((await read(`${sysBlock(this.path)}/loop/backing_file`)) !== undefined) {
      if (Date.now() > deadline) {
        throw new BuildError(`${this.path} is still in use ${NODE_WAIT_MS / 1000} s after its image was released: something still has it open or mounted`, {
          hint: 'it detaches by itself when that goes away (at the latest when debstep exits)',
        });
      }
      await sleep(50);
    }
  }
}

/** The disk of a VM whose virtio serial is `serial`. */
export async function diskBySerial(serial: string): Promise<BlockDevice> {
  // No /sys/block: no disk found, reported below.
  for (const name of await readdir('/sys/block').catch(() => [] as string[])) {
    if ((await read(`/sys/block/${name}/serial`)) === serial) return { path: `/dev/${name}`, bytes: await sizeOf(`/dev/${name}`) };
  }
  throw new BuildError(`the VM has no disk with serial ${serial} (is virtio_blk loaded?)`);
}

/** Makes a disk blank again (for a second attempt at partitioning it): discarded, which a
 * VM's disk turns into holes in its image file, else zeroed. */
export async function wipeDisk(device: string, run: Run): Promise<void> {
  if ((await run(['blkdiscard', device])).status === 0) return;
  const r = await run(['blkdiscard', '--zeroout', device]);
  if (r.status !== 0) throw new BuildError(`cannot empty ${device} for another attempt: ${r.output.join(' ')}`);
}

/** Whether /dev is a devtmpfs, where the kernel makes nodes itself (else they are made here). */
async function devIsDevtmpfs(): Promise<boolean> {
  const info = await read('/proc/self/mountinfo');
  return (info ?? '').split('\n').some((l) => {
    const [before, after] = l.split(' - ');
    return before?.split(' ')[4] === '/dev' && after?.startsWith('devtmpfs ');
  });
}

/** Whether `path` is the block device `number` (major:minor). */
async function isNode(path: string, number: string): Promise<boolean> {
  // Not there (yet): not the node; the caller makes it or waits.
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && st.isBlockDevice() && st.rdev === makedev(number);
}

/**
 * The partitions' devices, once the kernel has them and their nodes exist. `made` hears of
 * nodes made here (where /dev is not a devtmpfs, or the node never came), to remove later.
 */
export async function partitionDevices(device: string, numbers: readonly number[], run: Run, made: (node: string) => void): Promise<BlockDevice[]> {
  const deadline = Date.now() + NODE_WAIT_MS;
  const known = async (n: number) => (await read(`${sysBlock(partitionNode(device, n))}/dev`)) !== undefined;
  const missing = async () => (await Promise.all(numbers.map(async (n) => ((await known(n)) ? undefined : n)))).filter((n) => n !== undefined);
  // Tell the kernel the table as it is on the disk (partx adds, resizes and removes
  // partitions), again while a re-read by someone else (udev) keeps the device busy.
  for (let absent = await missing(); absent.length > 0; absent = await missing()) {
    const r = await run(['partx', '--update', device]);
    if ((await missing()).length === 0) break;
    if (Date.now() > deadline) {
      const why = r.status === 0 ? '' : ` (partx --update ${device}: ${r.output.join(' ')})`;
      throw new BuildError(`${device} has no partition ${absent.join(', ')} after partitioning${why}`);
    }
    await sleep(100);
  }
  const devtmpfs = await devIsDevtmpfs();
  const devices: BlockDevice[] = [];
  for (const n of numbers) {
    const node = partitionNode(device, n);
    const number = (await read(`${sysBlock(node)}/dev`))!;
    while (!(await isNode(node, number))) {
      if (!devtmpfs || Date.now() > deadline) {
        const [major, minor] = number.split(':');
        await run(['rm', '-f', node]);
        const r = await run(['mknod', node, 'b', major!, minor!]);
        if (r.status !== 0) throw new BuildError(`the node ${node} of partition ${n} did not appear, and cannot be made: ${r.output.join(' ')}`);
        made(node);
        break;
      }
      await sleep(20);
    }
    devices.push({ path: node, bytes: await sizeOf(node) });
  }
  return devices;
}
