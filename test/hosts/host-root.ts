// Fresh Debian machines as a new user gets them, for the README's commands: a minbase root
// of a Debian release with git and ca-certificates only (made by mmdebstrap from the host's
// mirror, kept as a tarball between runs), unpacked anew for each test, with this checkout
// cloned in. Commands run in it as root in private mount and PID namespaces, with /proc,
// /sys and /dev of the host, its DNS and its extra CA certificates, so that nothing they
// start or mount outlives them.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hostDebianMirror } from '../../src/engine/machine/host-mirror.js';
import { TEST_CACHE } from '../helpers/base-root.js';
import { REPO } from '../helpers/debstep.js';

const run = promisify(execFile);
const HOSTS_CACHE = join(TEST_CACHE, 'hosts');

const ENTER = `set -e
r=$1; shift
mount --bind "$r" "$r"
for d in proc sys dev; do mount --rbind "/$d" "$r/$d"; mount --make-rslave "$r/$d"; done
mount -t tmpfs tmpfs "$r/tmp"
cp /etc/resolv.conf "$r/etc/resolv.conf"
# Downloads are kept between runs (what is installed is not): apt's archives and npm's cache.
mkdir -p "$r/var/cache/apt/archives" "$r/root/.npm"
mount --bind "$DOWNLOADS/apt" "$r/var/cache/apt/archives"
mount --bind "$DOWNLOADS/npm" "$r/root/.npm"
extra=$(ls /usr/local/share/ca-certificates/ 2>/dev/null | grep '\\.crt$' || true)
if [ -n "$extra" ]; then
  cp /usr/local/share/ca-certificates/*.crt "$r/usr/local/share/ca-certificates/"
  chroot "$r" update-ca-certificates >/dev/null 2>&1
fi
exec chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 sh -c "$@"`;

export interface Outcome {
  readonly code: number | null;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
}

/** A fresh machine of a Debian release: its root directory, removed by `dispose`. */
export class HostRoot {
  private constructor(
    readonly suite: string,
    readonly dir: string,
  ) {}

  /** Unpacks a fresh root of `suite` and clones this checkout into /root/debstep. */
  static async create(suite: string): Promise<HostRoot> {
    const tarball = await rootTarball(suite);
    const dir = await mkdtemp(join('/var/tmp', `debstep-host-${suite}-`));
    const root = new HostRoot(suite, dir);
    try {
      await run('tar', ['-xf', tarball, '-C', dir]);
      await run('git', ['clone', '--quiet', REPO, join(dir, 'root/debstep')]);
    } catch (err) {
      await root.dispose();
      throw err;
    }
    return root;
  }

  /** Runs a shell command in the root, in /root/debstep, for at most `timeoutMs`. */
  async sh(command: string, timeoutMs: number): Promise<Outcome> {
    const downloads = join(HOSTS_CACHE, `${this.suite}-downloads`);
    await mkdir(join(downloads, 'apt', 'partial'), { recursive: true });
    await mkdir(join(downloads, 'npm'), { recursive: true });
    const argv = ['unshare', '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--', 'sh', '-c', ENTER, 'sh', this.dir, `cd /root/debstep && ${command}`];
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', DOWNLOADS: downloads }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      child.stderr.on('data', (d: Buffer) => (output += d));
      const timer = setTimeout(() => {
        output += `\n[killed after ${timeoutMs / 1000} s]\n`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  /** A path inside the root, as the host sees it. */
  path(inside: string): string {
    return join(this.dir, inside);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The cached minbase root of `suite` with git and ca-certificates, made when missing. */
async function rootTarball(suite: string): Promise<string> {
  const file = join(HOSTS_CACHE, `${suite}-git.tar`);
  if (await stat(file).then((s) => s.size > 0, () => false)) return file;
  await mkdir(HOSTS_CACHE, { recursive: true });
  const partial = `${file}.${process.pid}.partial.tar`;
  try {
    await run('mmdebstrap', ['--quiet', '--variant=minbase', '--include=git,ca-certificates', suite, partial, await hostDebianMirror()], { maxBuffer: 1 << 26 });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return file;
}

/** The last lines of a long output, for an assertion's message. */
export function tail(output: string, lines = 60): string {
  return output.split('\n').slice(-lines).join('\n');
}
