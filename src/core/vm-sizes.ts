// The VM's sizes (--memory, --scratchsize, -c/--cpus and the sizes the VM code asks for
// itself): read and bounded here, once, so the command line refuses what the VM would
// refuse, before a workspace, a disk or a VM exists.
import { UsageError } from './errors.js';
import { parseImageSize, parseSize } from './size.js';

const MiB = 1024 * 1024;

/** The bounds, in one place. A guest below 128 MiB does not boot the initramfs (the host's
 * modules are unpacked into it); ext4 needs about 16 MiB for its journal and tables; QEMU's
 * pc machine takes at most 255 CPUs. */
export const VM_BOUNDS = { minMemoryMb: 128, minDiskBytes: 16 * MiB, maxCpus: 255 } as const;

const HINT = 'write sizes like 2048MB, 2G or 4GiB';

/** Megabytes of RAM: "2Gb", "512MB" (binary units, as debos's --memory) or a number of
 * megabytes. `what` names it in an error ("--memory"). */
export function memoryMb(memory: string | number | undefined, what = '--memory'): number {
  if (memory === undefined) return 2048;
  const mb = typeof memory === 'number' ? memory : Math.floor((parseSize(memory.trim(), true) ?? NaN) / MiB);
  if (Number.isNaN(mb)) throw new UsageError(`invalid size for ${what}: "${memory}"`, { hint: HINT });
  if (!Number.isInteger(mb) || mb < VM_BOUNDS.minMemoryMb) {
    throw new UsageError(`invalid size for ${what}: "${memory}" is less than the ${VM_BOUNDS.minMemoryMb}MB a VM needs`, { hint: HINT });
  }
  return mb;
}

/** Bytes of a disk: decimal units ("10G", as debos's --scratchsize), binary only when
 * spelled GiB, MiB…, or a number of bytes. */
export function diskBytes(size: string | number, what: string): number {
  const bytes = typeof size === 'number' ? size : parseImageSize(size.trim());
  if (bytes === undefined) throw new UsageError(`invalid size for ${what}: "${size}"`, { hint: HINT });
  if (!Number.isInteger(bytes) || bytes < VM_BOUNDS.minDiskBytes) {
    throw new UsageError(`invalid size for ${what}: "${size}" is less than the ${VM_BOUNDS.minDiskBytes / MiB}MB a disk needs`, { hint: HINT });
  }
  return bytes;
}

/** A number of CPUs: a whole number from 1 to the bound. */
export function cpuCount(cpus: string | number, what = '--cpus'): number {
  const n = typeof cpus === 'number' ? cpus : /^[1-9]\d*$/.test(cpus.trim()) ? Number(cpus.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`invalid number for ${what}: "${cpus}"`);
  if (n > VM_BOUNDS.maxCpus) throw new UsageError(`invalid number for ${what}: "${cpus}" is more than the ${VM_BOUNDS.maxCpus} CPUs a VM can have`);
  return n;
}

/** The VM sizes the command line gives, read: memory in megabytes, the scratch disk in
 * bytes. Throws UsageError for any that is not a size or is out of bounds. */
export function vmSizes(o: { readonly memory?: string | undefined; readonly cpus?: string | undefined; readonly scratchSize?: string | undefined }): {
  memoryMb?: number;
  cpus?: number;
  scratchBytes?: number;
} {
  return {
    ...(o.memory !== undefined ? { memoryMb: memoryMb(o.memory, '--memory') } : {}),
    ...(o.cpus !== undefined ? { cpus: cpuCount(o.cpus, '--cpus') } : {}),
    ...(o.scratchSize !== undefined ? { scratchBytes: diskBytes(o.scratchSize, '--scratchsize') } : {}),
  };
}
