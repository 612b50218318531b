// For reproducible output: what a build leaves in the root that differs from one build to
// the next (logs, caches, machine-id, ssh host keys), removed before the root becomes an
// artifact (pack, filesystem-deploy), and timestamps clamped to the epoch.
import type { StageContext } from '../run/stage.js';

/** Regular files named `name` (a find pattern) directly in `dir`, in the root. */
interface Noise {
  readonly dir: string;
  readonly name: string;
  /** Emptied rather than removed: an empty /etc/machine-id makes systemd write one at first boot. */
  readonly empty?: true;
  /** Kept: apt's lock files, which apt expects to find. */
  readonly keep?: string;
}

export const BUILD_NOISE: readonly Noise[] = [
  { dir: '/etc', name: 'machine-id', empty: true },
  // Debian links it to /etc/machine-id (a link is not a regular file and stays).
  { dir: '/var/lib/dbus', name: 'machine-id' },
  { dir: '/etc/ssh', name: 'ssh_host_*' },
  { dir: '/var/lib/apt/lists', name: '*', keep: 'lock' },
  { dir: '/var/cache/apt', name: '*.bin' },
  { dir: '/var/log', name: 'dpkg.log' },
  { dir: '/var/log', name: 'alternatives.log' },
  { dir: '/var/log', name: 'bootstrap.log' },
  { dir: '/var/log/apt', name: '*' },
  { dir: '/var/cache/ldconfig', name: 'aux-cache' },
  { dir: '/var/lib/dpkg', name: '*-old' },
  { dir: '/var/cache/debconf', name: '*-old' },
];

/** What the user reads for a noise entry: `/var/log/apt/*`. */
export const noiseLabel = (n: Noise) => `${n.dir}/${n.name}`;

/**
 * The shell command that cleans `noise`, each entry's directory given as the host path it
 * resolves to in the root (so a link in the root never leads out of it); it prints the
 * label of each entry it found something for. find does not follow links: only regular
 * files in the directory itself go.
 */
export function cleanNoiseArgv(noise: readonly { readonly entry: Noise; readonly dir: string }[]): string[] {
  const script = [
    'm() { find "$dir" -mindepth 1 -maxdepth 1 -type f -name "$name" ! -name "$keep" "$@"; }',
    'while [ $# -ge 5 ]; do',
    '  dir=$1 name=$2 keep=$3 how=$4 label=$5; shift 5',
    '  [ -d "$dir" ] || continue',
    '  if [ "$how" = empty ]; then [ -n "$(m ! -empty)" ] || continue; m -exec truncate -s 0 {} +',
    '  else [ -n "$(m)" ] || continue; m -delete; fi',
    '  echo "cleaned $label"',
    'done',
  ].join('\n');
  const args = noise.flatMap(({ entry, dir }) => [dir, entry.name, entry.keep ?? '', entry.empty ? 'empty' : 'remove', noiseLabel(entry)]);
  return ['sh', '-ec', script, 'sh', ...args];
}

/** `find ROOT -newermt @EPOCH -exec touch`: nothing in the root is newer than the epoch
 * (tar clamps by itself; a disk image is filled by copying files). */
export const clampMtimesArgv = (root: string, epoch: number) => ['find', root, '-newermt', `@${epoch}`, '-exec', 'touch', '--no-dereference', `--date=@${epoch}`, '{}', '+'];

/**
 * Removes the build noise from the root and says once what went; warns about ssh host
 * keys, which the image must then make at first boot. Does nothing unless the build makes
 * reproducible output.
 */
export async function removeBuildNoise(ctx: StageContext): Promise<void> {
  if (ctx.sourceDateEpoch === undefined) return;
  const noise = await Promise.all(BUILD_NOISE.map(async (entry) => ({ entry, dir: await ctx.machine.files.resolve(entry.dir) })));
  const r = await ctx.exec({ argv: cleanNoiseArgv(noise), chroot: false, label: 'reproducible' });
  const cleaned = r.outputTail.flatMap((l) => /^cleaned (.*)$/.exec(l.trim())?.[1] ?? []);
  if (!cleaned.length) return;
  ctx.info(`Reproducible output: removed what differs from build to build: ${cleaned.join(', ')}`);
  if (cleaned.includes('/etc/ssh/ssh_host_*')) {
    ctx.warn('reproducible output: the ssh host keys made during the build were removed; the image must make its own at first boot (ssh-keygen -A, or sshd fails to start)');
  }
}

/** Sets what in the root is newer than the epoch to the epoch, for reproducible output. */
export async function clampRootTimes(ctx: StageContext): Promise<void> {
  if (ctx.sourceDateEpoch === undefined) return;
  await ctx.exec({ argv: clampMtimesArgv(ctx.rootDir, ctx.sourceDateEpoch), chroot: false, label: 'reproducible' });
}
