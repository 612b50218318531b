// debstep boot IMAGE: start a finished amd64 disk image in QEMU, its console on this
// terminal (see src/vm/qemu/boot-image.ts). `debstep build --boot` ends here too.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HostError, UsageError } from '../core/errors.js';
import { defaultStateDir } from '../core/state-dir.js';
import { which } from '../util/which.js';
import { hostExec, spawnInteractive } from '../vm/host/exec.js';
import { decideAccel } from '../vm/qemu/accel.js';
import { kvmProblem, vmCacheDirOf } from '../vm/qemu/accel-probe.js';
import { bootBanner, bootImageArgv, type Firmware, firmwareFor, uefiVarsCopy } from '../vm/qemu/boot-image.js';
import { cpuCount, memoryMb } from '../core/vm-sizes.js';
import type { Options, ParsedArgs } from './options.js';

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('debstep boot takes one disk image');
  return bootImage(resolve(positionals[0]!), options);
}

/** The image's partition table as sfdisk reads it (no root needed on a file). */
async function partitionTable(image: string): Promise<Parameters<typeof firmwareFor>[0]> {
  const lines: string[] = [];
  const r = await hostExec({ argv: ['sfdisk', '-J', image], label: 'sfdisk' }, (stream, line) => stream === 'stdout' && lines.push(line));
  if (r.exitStatus !== 0) return {};
  return JSON.parse(lines.join('\n')) as Parameters<typeof firmwareFor>[0];
}

export async function bootImage(image: string, options: Options): Promise<number> {
  // Checked before QEMU, or a copy of the UEFI variables, is started.
  const memory = memoryMb(options.memory ?? '1GB', '--memory');
  const cpus = cpuCount(options.cpus ?? 2, '--cpus');
  if (!(await stat(image).then((s) => s.isFile(), () => false))) throw new UsageError(`${image} is not a disk image file`);
  const qemu = await which('qemu-system-x86_64');
  if (!qemu) throw new HostError('booting an image needs qemu-system-x86_64, and it is not installed', { hint: 'apt-get install qemu-system-x86' });
  const firmware = (options.firmware as Firmware | undefined) ?? firmwareFor(await partitionTable(image));
  const cacheDir = vmCacheDirOf(resolve(options.stateDir ?? defaultStateDir()));
  const accel = await decideAccel((options.accel ?? 'auto') as 'auto' | 'kvm' | 'tcg', () => kvmProblem({ cacheDir, onProbe: (m) => process.stderr.write(`${m}\n`) }));
  const vars = firmware === 'uefi' ? await uefiVarsCopy() : undefined;
  try {
    process.stderr.write(`${bootBanner(image, firmware, accel)}\n`);
    const argv = bootImageArgv({ binary: qemu, image, accel: accel.accel, memoryMb: memory, cpus, firmware, ...(vars ? { uefiVars: vars.path } : {}) });
    if (options.verbose) process.stderr.write(`${argv.join(' ')}\n`);
    const status = await spawnInteractive(argv);
    return status === 0 ? 0 : 1;
  } finally {
    await vars?.done();
  }
}
