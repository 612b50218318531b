// Running the real debstep command in tests, in temporary directories that are removed
// afterwards, and checking that a build left nothing mounted.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'src/cli.ts');
const TSX = `file://${join(REPO, 'node_modules/tsx/dist/loader.mjs')}`;

/** tsx finds the tsconfig (JSX settings) from here, whatever the working directory. */
export const SOURCE_ENV = { TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.json') };

/** The argv that starts debstep from the sources. */
export function debstepArgv(args: readonly string[]): string[] {
  return [process.execPath, '--import', TSX, CLI, ...args];
}

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs debstep to completion. */
export function debstep(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Result> {
  return new Promise((done) => {
    const [file, ...rest] = debstepArgv(args);
    const child = spawn(file!, rest, { cwd: opts.cwd ?? REPO, env: { ...(opts.env ?? process.env), ...SOURCE_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Starts debstep without waiting, for tests that interrupt it. */
export function startDebstep(args: readonly string[], opts: { cwd?: string } = {}): ChildProcess {
  const [file, ...rest] = debstepArgv(args);
  return spawn(file!, rest, { cwd: opts.cwd ?? REPO, env: { ...process.env, ...SOURCE_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A temporary directory removed when the test ends. */
export async function tempDir(t: { after: (fn: () => Promise<void>) => void }, prefix = 'debstep-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The mounts, in any process's mount namespace, whose path contains `fragment`. */
export async function mountsUnder(fragment: string): Promise<string[]> {
  const found = new Set<string>();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const info = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
    for (const line of info.split('\n')) {
      const mountPoint = line.split(' ')[4];
      if (mountPoint?.includes(fragment)) found.add(mountPoint);
    }
  }
  return [...found];
}

/** Loop devices whose backing file's path contains `fragment`. */
export async function loopsOf(fragment: string): Promise<string[]> {
  const { stdout } = await run('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE']);
  return stdout.split('\n').filter((l) => l.includes(fragment));
}

/** The live processes whose command line mentions `fragment` (and whose root directory is
 * under `rootUnder`, when given). Zombies are dead: a container's init may never reap them,
 * so they do not count. */
export async function processesMentioning(fragment: string, rootUnder?: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (/^State:\s+Z/m.test(status)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(fragment)) continue;
    // Only those chrooted under `rootUnder`: other tests may run the same tool meanwhile.
    if (rootUnder !== undefined && !(await readlink(`/proc/${pid}/root`).catch(() => '')).startsWith(rootUnder)) continue;
    found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
}

/** Lists a tarball's members (tar -t), any compression tar knows. */
export async function tarList(file: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-taf', file], { maxBuffer: 1 << 28 });
  return stdout.split('\n').filter(Boolean);
}

/** One member of a tarball as a Buffer. */
export async function tarRead(file: string, member: string): Promise<Buffer> {
  const { stdout } = await run('tar', ['-xaOf', file, member], { encoding: 'buffer', maxBuffer: 1 << 28 });
  return stdout;
}

/** A tarball unpacked once, for many reads: xz takes seconds for each `tar -xO`. */
export async function unpackedTarball(t: { after: (fn: () => Promise<void>) => void }, file: string) {
  const dir = await tempDir(t, 'debstep-unpacked-');
  await run('tar', ['-xaf', file, '-C', dir], { maxBuffer: 1 << 28 });
  const { stdout } = await run('tar', ['-tvaf', file], { maxBuffer: 1 << 28 });
  const lines = stdout.split('\n').filter(Boolean);
  // A `tar -tv` line is mode, owner, size, date, time, then the name (and a link's target).
  const members = lines.map((l) => l.replace(/^(\S+\s+){5}/, '').replace(/ -> .*$/, ''));
  return {
    members,
    read: (member: string) => readFile(join(dir, member)),
    /** The `tar -tv` line of a member. */
    verbose: (member: string) => lines[members.indexOf(member)] ?? '',
  };
}

/** `tar -tv` lines, for modes and link targets. */
export async function tarVerbose(file: string, member: string): Promise<string> {
  const { stdout } = await run('tar', ['-tvaf', file, member]);
  return stdout.trim();
}
