// The one place that starts build commands on the host. Every command runs under
// `setpriv --pdeathsig KILL unshare --pid --fork --kill-child`: it and everything it starts
// die with debstep, even when debstep itself is killed with SIGKILL, and a chroot
// command's private mounts die with it.
import type { ExecRequest, ExecResult, OutputSink } from '../machine.js';
import { run, start } from '../../util/process.js';
import { mayMount } from './privilege.js';

export interface SpawnOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly stdin?: string;
  readonly signal?: AbortSignal;
  /** Also give the command a private mount namespace (chroot commands). */
  readonly privateMounts?: boolean;
}

/** The wrapper argv that ties a command's lifetime to debstep's. Without root (or as a
 * container's root without CAP_SYS_ADMIN) there is no PID namespace to hold the command's
 * children: the command itself still dies with us. */
export function guarded(argv: readonly string[], privateMounts: boolean): string[] {
  if (!mayMount() && !privateMounts) return ['setpriv', '--pdeathsig', 'KILL', '--', ...argv];
  const unshare = ['unshare', '--pid', '--fork', '--kill-child'];
  if (privateMounts) unshare.push('--mount', '--propagation', 'private');
  return ['setpriv', '--pdeathsig', 'KILL', '--', ...unshare, '--', ...argv];
}

/** The environment host commands start from: debstep's own. */
export function hostBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs a command on this computer, as debstep's user, in debstep's environment plus `req.env`. */
export function hostExec(req: Omit<ExecRequest, 'chroot' | 'binds'>, output: OutputSink): Promise<ExecResult> {
  return spawnCommand(req.argv, { env: { ...hostBaseEnv(), ...req.env }, cwd: req.cwd, stdin: req.stdin, signal: req.signal }, output);
}

/** Runs argv to completion under the lifetime guard, streaming its output lines. Never
 * throws for a non-zero exit. */
export function spawnCommand(argv: readonly string[], opts: SpawnOptions, output: OutputSink): Promise<ExecResult> {
  return run(guarded(argv, opts.privateMounts ?? false), { env: opts.env, cwd: opts.cwd, stdin: opts.stdin, signal: opts.signal, onLine: output });
}

/** Runs argv with this terminal as its stdin, stdout and stderr (QEMU's console), tied to
 * debstep's lifetime like every command; resolves with its exit status. */
export function spawnInteractive(argv: readonly string[]): Promise<number | null> {
  const child = start(guarded(argv, false), { stdio: 'inherit', env: hostBaseEnv() });
  return new Promise((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code));
  });
}
