// The argv of a command inside the target root. It runs in its own mount and PID
// namespace (see exec.ts), where a small shell script mounts what systemd-nspawn gives
// debos's chroot commands: /proc, a read-only /sys, /dev with /dev/pts, tmpfs /run and
// /tmp, plus the request's binds; then it enters the root. The mounts exist only in that
// namespace, so they vanish with the command whatever happens to debstep.
import { posix } from 'node:path';
import type { Bind } from '../machine.js';

const SETUP = `
set -e
root=$1; cwd=$2; session=$3; shift 3
m() { mount "$@" || { echo "debstep: mount $* failed" >&2; exit 125; }; }
if [ -d "$root/proc" ]; then m -t proc -o nosuid,nodev,noexec proc "$root/proc"; fi
if [ -d "$root/sys" ]; then m -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"; fi
if [ -d "$root/dev" ]; then m --rbind /dev "$root/dev"; fi
if [ -d "$root/run" ]; then m -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$root/run"; fi
if [ -d "$root/tmp" ]; then m -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"; fi
while [ "$1" != -- ]; do
  src=$1; dst=$root$2; mode=$3; shift 3
  if [ ! -e "$dst" ]; then
    if [ -d "$src" ]; then mkdir -p "$dst"; else mkdir -p "\${dst%/*}"; : > "$dst"; fi
  fi
  m --bind "$src" "$dst"
  if [ "$mode" = ro ]; then m -o remount,bind,ro "$dst"; fi
done
shift
if [ "$cwd" = / ]; then exec $session chroot "$root" "$@"; fi
exec $session chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$cwd" "$@"
`;

/** Bind targets that may be created: tmpfs in the command's namespace, so the image
 * never gains a mount point. Other targets must already exist in the root. */
export function bindTargetIsScratch(target: string): boolean {
  const t = posix.normalize(target);
  return t.startsWith('/tmp/') || t.startsWith('/run/');
}

/**
 * An interactive program must lead its own session with the terminal as its controlling
 * tty: in the PID namespace job-control shells (dash) cannot take the terminal otherwise.
 */
export const INTERACTIVE = ['setsid', '--ctty'];

/** The argv to run `argv` inside `root` with `binds`, starting in `cwd` (a root path). */
export function chrootArgv(root: string, argv: readonly string[], binds: readonly Bind[] = [], cwd = '/', interactive = false): string[] {
  const bindArgs = binds.flatMap((b) => [b.source, posix.normalize(b.target), b.readOnly ? 'ro' : 'rw']);
  return ['/bin/sh', '-c', SETUP, 'debstep-chroot', root, cwd, interactive ? INTERACTIVE.join(' ') : '', ...bindArgs, '--', ...argv];
}
