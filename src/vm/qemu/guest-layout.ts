// What the guest sees of the host. The host's / is exported once, read-only, and the guest
// binds from it what it needs at the same paths: /usr (and on hosts without merged /usr,
// /bin, /lib...), node, the debstep installation; its /etc links into the host's (CA
// certificates, alternatives, apt and dpkg configuration, users). Work directories are
// shared read-write at their host paths, so paths in recipes, logs and commands mean the
// same on both sides. Each 9p share is a PCI device that costs boot time under TCG: only
// the read-write ones get their own.
import { lstat, readdir, readlink } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { HostError } from '../../core/errors.js';
import { kernelAtLeast } from '../kernel-release.js';
import { type GuestMount, INITRAMFS_DIR } from './init-script.js';

/** Where the read-only export of the host's / is mounted. */
export const HOST_ROOT = `${INITRAMFS_DIR}/host`;

/** /etc entries the guest writes itself: its own name, network and mounts. */
const GUEST_OWN_ETC = new Set(['hostname', 'hosts', 'resolv.conf', 'mtab', 'fstab']);

/** The top-level directories a non-merged-/usr host keeps programs and libraries in. */
const SYSTEM_DIRS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

export interface LayoutRequest {
  /** Work directories shared read-write at their host paths. */
  readonly shares: readonly string[];
  /** Host directories shown read-only at their paths (node's prefix, the debstep installation). */
  readonly readOnly: readonly string[];
  /** Where the host's directories are looked at; tests use a fixture. */
  readonly hostRoot?: string;
  /** The guest kernel's release: how it caches a share depends on it (see sharedCache). */
  readonly kernelRelease: string;
}

/**
 * The 9p cache mode for what both sides write: the guest must not cache what the host may
 * change, nor hold back what it writes. `mmap` caches only for shared writable mappings up
 * to Linux 6.5; from 6.6 on (netfs) it means writeback caching of all file data, and a
 * Debian 13 guest (6.12) left pages of apt's downloads zeroed on the host. There `none`,
 * which still maps files read-only.
 */
export function sharedCache(kernelRelease: string): 'mmap' | 'none' {
  return kernelAtLeast(kernelRelease, 6, 6) ? 'none' : 'mmap';
}

/** A 9p export: one virtio device. */
export interface Export9p {
  readonly tag: string;
  readonly hostPath: string;
  readonly readOnly: boolean;
}

export interface GuestLayout {
  readonly exports: readonly Export9p[];
  /** In mount order: parents first. */
  readonly mounts: readonly GuestMount[];
  /** Symlinks the initramfs holds: path → target. */
  readonly links: readonly (readonly [string, string])[];
}

export const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
const depth = (path: string) => path.split('/').filter(Boolean).length;
const clean = (path: string) => posix.normalize(path).replace(/(.)\/+$/, '$1');

interface Wanted {
  readonly path: string;
  readonly readOnly: boolean;
}

/** The wanted directories without those another one already shows (a read-write one shows
 * what is inside it either way), read-write winning for a directory wanted both ways;
 * parents first. */
export function arrange(wanted: readonly Wanted[]): Wanted[] {
  const byPath = new Map<string, Wanted>();
  for (const w of wanted) {
    const path = clean(w.path);
    byPath.set(path, { path, readOnly: (byPath.get(path)?.readOnly ?? true) && w.readOnly });
  }
  const all = [...byPath.values()];
  const kept = all.filter((w) => !all.some((o) => o !== w && (!o.readOnly || w.readOnly) && within(w.path, o.path)));
  return kept.sort((a, b) => depth(a.path) - depth(b.path) || a.path.localeCompare(b.path));
}

async function kind(path: string): Promise<'dir' | 'link' | 'other' | undefined> {
  // Not on this host: not part of the layout.
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'other';
}

export async function guestLayout(req: LayoutRequest): Promise<GuestLayout> {
  const host = (p: string) => clean((req.hostRoot ?? '') + p);
  const wanted: Wanted[] = [{ path: '/usr', readOnly: true }];
  const links: [string, string][] = [];
  for (const name of SYSTEM_DIRS) {
    const k = await kind(host(`/${name}`));
    if (k === 'link') links.push([`/${name}`, await readlink(host(`/${name}`))]);
    else if (k === 'dir') wanted.push({ path: `/${name}`, readOnly: true });
  }
  for (const entry of (await readdir(host('/etc'))).sort()) {
    if (!GUEST_OWN_ETC.has(entry)) links.push([`/etc/${entry}`, `${HOST_ROOT}/etc/${entry}`]);
  }
  for (const dir of req.readOnly) wanted.push({ path: dir, readOnly: true });
  for (const dir of req.shares) {
    if ((await kind(dir)) !== 'dir') {
      throw new HostError(`cannot share ${dir} with the VM: it is not a directory`, { hint: 'create it first, or leave it out of the shared directories' });
    }
    if (clean(dir) === '/' || within(clean(dir), '/usr') || within(clean(dir), '/etc')) {
      throw new HostError(`cannot share ${dir} read-write with the VM: the guest gets the host's system directories read-only`);
    }
    wanted.push({ path: dir, readOnly: false });
  }
  const exports: Export9p[] = [{ tag: 'host', hostPath: host('/'), readOnly: true }];
  const mounts: GuestMount[] = [{ type: '9p', tag: 'host', path: HOST_ROOT, readOnly: true, cache: 'loose', hostPath: '/' }];
  for (const w of arrange(wanted)) {
    if (w.readOnly) {
      mounts.push({ type: 'bind', source: `${HOST_ROOT}${w.path}`, path: w.path, hostPath: w.path });
      continue;
    }
    const tag = `rw${exports.length}`;
    exports.push({ tag, hostPath: host(w.path), readOnly: false });
    mounts.push({ type: '9p', tag, path: w.path, readOnly: false, cache: sharedCache(req.kernelRelease), hostPath: w.path });
  }
  return { exports, mounts, links };
}

/** The installation prefix of a node binary outside /usr (…/bin/node → …), to share it. */
export function nodePrefix(execPath: string): string | undefined {
  if (within(execPath, '/usr')) return undefined;
  const bin = dirname(execPath);
  return posix.basename(bin) === 'bin' ? dirname(bin) : bin;
}
