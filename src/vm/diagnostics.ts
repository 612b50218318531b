// Host diagnostics for `debstep doctor`: each check says what it found and, for a problem,
// the command that fixes it.
import { access, constants, mkdir, mkdtemp, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { which } from '../util/which.js';
import { diagnoseArch, hostArchitecture } from './binfmt.js';
import { hostBinfmtView } from './host/binfmt-view.js';
import { spawnCommand } from './host/exec.js';
import { mayMount } from './host/privilege.js';
import { hostKvm, kvmVerdict, vmCacheDirOf } from './qemu/accel-probe.js';

export type Severity = 'ok' | 'note' | 'problem';

export interface Check {
  readonly name: string;
  readonly severity: Severity;
  readonly detail: string;
  readonly remedy?: string;
}

interface Tool {
  readonly command: string;
  readonly pkg: string;
  readonly neededFor: string;
  /** Only some recipes need it: missing is a note, not a problem. */
  readonly optional?: boolean;
}

const TOOLS: readonly Tool[] = [
  { command: 'setpriv', pkg: 'util-linux', neededFor: 'every command (ties it to debstep\'s lifetime)' },
  { command: 'unshare', pkg: 'util-linux', neededFor: 'chroot commands (private mounts)' },
  { command: 'mount', pkg: 'mount', neededFor: 'the layered root and chroot mounts' },
  { command: 'chroot', pkg: 'coreutils', neededFor: 'chroot commands' },
  { command: 'debootstrap', pkg: 'debootstrap', neededFor: 'the debootstrap action' },
  { command: 'mmdebstrap', pkg: 'mmdebstrap', neededFor: 'the mmdebstrap action' },
  { command: 'tar', pkg: 'tar', neededFor: 'pack and unpack' },
  { command: 'gzip', pkg: 'gzip', neededFor: 'gz compression' },
  { command: 'pigz', pkg: 'pigz', neededFor: 'fast, parallel gz compression', optional: true },
  { command: 'bzip2', pkg: 'bzip2', neededFor: 'bzip2 compression', optional: true },
  { command: 'xz', pkg: 'xz-utils', neededFor: 'xz and lzma compression' },
  { command: 'zstd', pkg: 'zstd', neededFor: 'zstd compression' },
  { command: 'lzip', pkg: 'lzip', neededFor: 'lzip compression', optional: true },
  { command: 'lzop', pkg: 'lzop', neededFor: 'lzop compression', optional: true },
  { command: 'unzip', pkg: 'unzip', neededFor: 'unpacking .zip files', optional: true },
  { command: 'curl', pkg: 'curl', neededFor: 'the download action', optional: true },
  { command: 'dpkg-deb', pkg: 'dpkg', neededFor: 'unpacking .deb files' },
  { command: 'parted', pkg: 'parted', neededFor: 'image-partition' },
  { command: 'sfdisk', pkg: 'fdisk', neededFor: 'image-partition' },
  { command: 'partx', pkg: 'util-linux', neededFor: 'image-partition (telling the kernel the partitions)' },
  { command: 'blkid', pkg: 'util-linux', neededFor: 'image-partition (filesystem UUIDs for fstab)' },
  { command: 'flock', pkg: 'util-linux', neededFor: 'image-partition (keeping udev off the image while formatting)' },
  { command: 'losetup', pkg: 'mount', neededFor: 'disk images on the host backend' },
  { command: 'mkfs.ext4', pkg: 'e2fsprogs', neededFor: 'ext2/3/4 file systems (and the VM\'s disks)' },
  { command: 'mkfs.vfat', pkg: 'dosfstools', neededFor: 'FAT file systems in disk images', optional: true },
  { command: 'mkfs.btrfs', pkg: 'btrfs-progs', neededFor: 'btrfs file systems in disk images', optional: true },
  { command: 'mkfs.xfs', pkg: 'xfsprogs', neededFor: 'XFS file systems in disk images', optional: true },
  { command: 'mkfs.f2fs', pkg: 'f2fs-tools', neededFor: 'F2FS file systems in disk images', optional: true },
  { command: 'eatmydata', pkg: 'eatmydata', neededFor: 'faster package installs', optional: true },
  { command: 'qemu-system-x86_64', pkg: 'qemu-system-x86', neededFor: 'the VM backend' },
  { command: 'busybox', pkg: 'busybox-static', neededFor: 'the VM backend\'s initramfs' },
  { command: 'update-binfmts', pkg: 'binfmt-support', neededFor: 'foreign architectures' },
  { command: 'ostree', pkg: 'ostree', neededFor: 'the ostree-commit and ostree-deploy actions', optional: true },
  { command: 'pacstrap', pkg: 'arch-install-scripts', neededFor: 'the pacstrap action (Arch Linux)', optional: true },
  { command: 'pacman', pkg: 'pacman-package-manager', neededFor: 'the pacman and pacstrap actions (Arch Linux)', optional: true },
];

export async function checkTools(): Promise<Check[]> {
  return Promise.all(
    TOOLS.map(async (t): Promise<Check> => {
      const path = await which(t.command);
      if (path) return { name: t.command, severity: 'ok', detail: t.optional ? `${path} (optional: for ${t.neededFor})` : path };
      return {
        name: t.command,
        severity: t.optional ? 'note' : 'problem',
        detail: t.optional ? `not installed; optional, only recipes that need it fail: ${t.neededFor}` : `not installed; needed for ${t.neededFor}`,
        remedy: `apt-get install ${t.pkg}`,
      };
    }),
  );
}

export async function checkArch(arch: string): Promise<Check> {
  const name = `binfmt ${arch}`;
  if (arch === hostArchitecture()) return { name, severity: 'ok', detail: `${arch} runs natively on this host` };
  // Outside a build there is no root to hold an interpreter: handlers need the F flag.
  const d = await diagnoseArch(arch, await hostBinfmtView(async () => false));
  return { name, severity: d.ok ? 'ok' : 'problem', detail: d.problem, ...(d.remedy ? { remedy: d.remedy } : {}) };
}

/** The KVM check a build makes (accel-probe.ts), with where its answer came from. */
export async function checkKvm(stateDir: string, kernel: { kernel?: string | undefined; modules?: string | undefined } = {}): Promise<Check> {
  const name = 'kvm';
  const device = hostKvm.device;
  const readable = await access(device, constants.R_OK | constants.W_OK).then(() => true, () => false);
  if (!readable) {
    return { name, severity: 'note', detail: `${device} is missing or not accessible: the VM backend runs under TCG (slower)`, remedy: 'modprobe kvm_intel (or kvm_amd); add yourself to the kvm group' };
  }
  const v = await kvmVerdict({ cacheDir: vmCacheDirOf(stateDir), ...kernel });
  const source = v.keptIn
    ? `the answer of a probe earlier this boot, kept in ${v.keptIn}`
    : v.ms !== undefined
      ? `probed just now${v.savedIn ? `; the answer is kept in ${v.savedIn} until the host reboots` : ''}`
      : undefined;
  const from = source ? ` (${source})` : '';
  if (v.works) return { name, severity: 'ok', detail: `usable: ${v.detail}${from}` };
  if (v.ms === undefined && !v.keptIn) return { name, severity: 'note', detail: `${v.detail}; the VM backend will use TCG` };
  const kept = v.keptIn ?? v.savedIn;
  return {
    name,
    severity: 'note',
    detail: `${device} exists but KVM does not work: ${v.detail}${from}; the VM backend uses TCG, and builds as root run on the host`,
    ...(kept ? { remedy: `if KVM should work here (nested virtualisation turned on since), delete ${kept} to probe again` } : {}),
  };
}

export async function checkRoot(): Promise<Check> {
  if (mayMount()) return { name: 'root', severity: 'ok', detail: 'running as root: the host backend is available' };
  if (process.getuid?.() === 0) return { name: 'root', severity: 'note', detail: 'root without CAP_SYS_ADMIN (a container without --privileged): the host backend cannot mount; builds run in the VM', remedy: 'for host builds, run the container with --privileged' };
  return { name: 'root', severity: 'note', detail: 'not root: the host backend needs root; the VM backend works without', remedy: 'run as root (sudo), or build with --backend vm' };
}

export async function checkDisk(stateDir: string): Promise<Check> {
  const name = 'disk';
  // A directory that cannot be made is reported by statfs just below.
  await mkdir(stateDir, { recursive: true }).catch(() => {});
  try {
    const s = await statfs(stateDir);
    const gib = (s.bavail * s.bsize) / 2 ** 30;
    const detail = `${gib.toFixed(1)} GiB free in ${stateDir}`;
    if (gib < 2) return { name, severity: 'problem', detail, remedy: 'free some space, or choose another --state-dir' };
    return { name, severity: gib < 10 ? 'note' : 'ok', detail };
  } catch (err) {
    return { name, severity: 'problem', detail: `cannot use ${stateDir}: ${(err as Error).message}`, remedy: 'choose a writable --state-dir' };
  }
}

/** Layers of the root are overlayfs upper directories: the state directory must take them. */
export async function checkOverlay(stateDir: string): Promise<Check> {
  const name = 'overlayfs';
  if (!mayMount()) return { name, severity: 'note', detail: 'not checked (needs root with CAP_SYS_ADMIN)' };
  // A fresh machine has no state directory yet: the first build would make it.
  const made = await mkdir(stateDir, { recursive: true }).then(() => undefined, (err: Error) => err);
  const dir = made ? made : await mkdtemp(join(stateDir, '.overlay-check-')).catch((err: Error) => err);
  if (dir instanceof Error) return { name, severity: 'problem', detail: `cannot write to ${stateDir}: ${dir.message}`, remedy: 'choose a writable --state-dir' };
  try {
    const script = 'mkdir l u w m && mount -t overlay overlay -o lowerdir=l,upperdir=u,workdir=w m && touch m/f && test -e u/f';
    const lines: string[] = [];
    const r = await spawnCommand(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, cwd: dir }, (_s, l) => lines.push(l));
    if (r.exitStatus === 0) return { name, severity: 'ok', detail: `${stateDir} can hold overlayfs layers (instant snapshots for retry)` };
    return { name, severity: 'problem', detail: `overlayfs does not work on ${stateDir}: ${lines.join(' ')}`, remedy: 'use a --state-dir on a local file system such as ext4, xfs or btrfs, not on overlayfs' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
