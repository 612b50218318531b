// Which kernel the VM boots, and why. The running kernel when its modules are installed
// (the guest then matches the host exactly); otherwise the newest installed kernel with
// modules: a container or a vendor kernel (here 6.18.x-fc) often has no /lib/modules, and
// fakemachine then fails in ways nobody can read.
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { release } from 'node:os';
import { basename, join } from 'node:path';
import { HostError } from '../../core/errors.js';
import { pathExists } from '../../util/exists.js';
import { hostArchitecture } from '../binfmt.js';

export interface KernelChoice {
  /** The kernel image QEMU loads. */
  readonly image: string;
  /** Its modules directory (holding modules.dep). */
  readonly modulesDir: string;
  readonly release: string;
  /** Why this kernel, in a sentence. */
  readonly reason: string;
}

/** Where a host keeps kernels; tests point it at a fixture tree. */
export interface KernelPlaces {
  readonly boot: string;
  readonly modules: string;
  readonly runningRelease: string;
}

export const hostKernelPlaces = (): KernelPlaces => ({ boot: '/boot', modules: '/lib/modules', runningRelease: release() });


/** The Debian package that provides a kernel for this architecture. */
export const kernelPackage = (arch = hostArchitecture()): string => `linux-image-${arch}`;

/** Newest first: 6.1.0-56-amd64 before 6.1.0-9-amd64. */
export const byVersionDescending = (a: string, b: string): number => b.localeCompare(a, 'en', { numeric: true });

async function imageFor(places: KernelPlaces, rel: string): Promise<string | undefined> {
  // Fedora and Arch keep the image beside the modules; Debian in /boot.
  for (const path of [join(places.modules, rel, 'vmlinuz'), join(places.boot, `vmlinuz-${rel}`)]) {
    if (await pathExists(path)) return path;
  }
  return undefined;
}

const hasModules = (places: KernelPlaces, rel: string) => pathExists(join(places.modules, rel, 'modules.dep'));

async function readable(choice: KernelChoice): Promise<KernelChoice> {
  if (!(await access(choice.image, constants.R_OK).then(() => true, () => false))) {
    // Ubuntu installs kernel images readable by root only.
    throw new HostError(`cannot read the kernel image ${choice.image} to boot the VM`, {
      hint: `make it readable (sudo chmod 0644 ${choice.image}) or run as root`,
    });
  }
  return choice;
}

/** The kernel for the VM: explicit paths, the running kernel, or the newest installed one. */
export async function chooseKernel(explicit: { kernel?: string; modules?: string }, places = hostKernelPlaces()): Promise<KernelChoice> {
  if (explicit.kernel || explicit.modules) return readable(await explicitKernel(explicit, places));
  const running = places.runningRelease;
  const runningImage = await imageFor(places, running);
  if (runningImage && (await hasModules(places, running))) {
    return readable({ image: runningImage, modulesDir: join(places.modules, running), release: running, reason: `the running kernel ${running}, whose modules are installed` });
  }
  // No modules directory: no kernel found here, which the caller reports.
  const releases = (await readdir(places.modules).catch(() => [] as string[])).sort(byVersionDescending);
  for (const rel of releases) {
    const image = await imageFor(places, rel);
    if (!image || !(await hasModules(places, rel))) continue;
    const why = runningImage ? `has no modules in ${join(places.modules, running)}` : `has no image and modules here`;
    return readable({ image, modulesDir: join(places.modules, rel), release: rel, reason: `the newest installed kernel ${rel}, because the running kernel ${running} ${why}` });
  }
  throw new HostError(`no kernel to boot the VM: the running kernel ${running} has no modules in ${places.modules}, and no other kernel with modules is installed`, {
    hint: `apt-get install ${kernelPackage()}, or pass a kernel and its modules directory explicitly`,
  });
}

async function explicitKernel(explicit: { kernel?: string; modules?: string }, places: KernelPlaces): Promise<KernelChoice> {
  const fromName = explicit.kernel && /^vmlinuz-(.+)$/.exec(basename(explicit.kernel))?.[1];
  const rel = explicit.modules ? basename(explicit.modules) : fromName;
  const modulesDir = explicit.modules ?? (rel ? join(places.modules, rel) : undefined);
  if (!modulesDir || !(await pathExists(join(modulesDir, 'modules.dep')))) {
    throw new HostError(`no modules for the kernel ${explicit.kernel ?? rel}${modulesDir ? ` in ${modulesDir}` : ''}`, {
      hint: 'pass the modules directory (the one holding modules.dep) with the kernel',
    });
  }
  const image = explicit.kernel ?? (rel ? await imageFor(places, rel) : undefined);
  if (!image || !(await pathExists(image))) {
    throw new HostError(`no kernel image for the modules in ${modulesDir}`, { hint: 'pass the kernel image explicitly' });
  }
  return { image, modulesDir, release: rel ?? basename(modulesDir), reason: 'the kernel given explicitly' };
}
