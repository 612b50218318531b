// apt-get in the root, as debos runs it for the apt and install-deb actions: update,
// install, clean, non-interactive. Downloaded packages go to a cache shared between
// builds (bound over /var/cache/apt/archives), so the image never holds them and the
// next build does not fetch them again.
import type { Bind } from '../../vm/machine.js';
import type { StageContext } from '../run/stage.js';

export interface AptInstall {
  readonly packages: readonly string[];
  readonly recommends: boolean;
  readonly unauthenticated: boolean;
  readonly update: boolean;
  /** Extra binds (local .deb files). */
  readonly binds?: readonly Bind[];
}

const APT_GET = ['apt-get', '-o=quiet::NoUpdate=1', '-o=Dpkg::Progress-Fancy=0'];
const ARCHIVES = '/var/cache/apt/archives';
/**
 * In a VM, apt fetches the package indexes gzip-compressed where the mirror has them: under
 * emulation decompressing xz was a fifth of `apt-get update` (bookworm's main: 15.7 and
 * 13.9 s against 11.9 and 11.7 s in a TCG guest). apt keeps the indexes uncompressed
 * either way, so the root is the same.
 */
const GZIP_INDEXES = ['-o=Acquire::CompressionTypes::Order::=gz'];

export async function aptGetInstall(ctx: StageContext, req: AptInstall): Promise<void> {
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const cache: Bind[] = (await ctx.machine.files.exists(ARCHIVES)) ? [{ source: await ctx.packageCache(), target: ARCHIVES }] : [];
  const apt = (args: string[], binds: readonly Bind[]) => ctx.exec({ argv: [...APT_GET, ...args], chroot: true, label: 'apt', env, binds });
  if (req.update) await apt([...(ctx.offload ? GZIP_INDEXES : []), 'update'], []);
  const flags = [...(req.recommends ? [] : ['--no-install-recommends']), ...(req.unauthenticated ? ['--allow-unauthenticated'] : [])];
  await apt(['install', '--yes', ...flags, ...req.packages], [...cache, ...(req.binds ?? [])]);
  await apt(['clean'], []);
}
