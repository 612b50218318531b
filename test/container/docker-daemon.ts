// A Docker daemon for the container tests: the one this machine already runs, else one the
// test starts itself (Debian's docker.io: dockerd with the vfs storage driver, which needs
// no overlayfs, and no iptables or bridge, which a nested machine may lack). Its data root
// is under /var/tmp, so the base image and the build's layers are kept between runs; its
// socket, pidfile and run-time state are its own, so it never meets a system daemon. The
// docker command used with it is the one from dockerd's package (a docker command earlier
// on PATH may be another version, without the buildx plugin), and builds use BuildKit:
// the legacy builder runs a container for every step, which under vfs copies the whole tree.
// Its runtime is runc-in-bounds.sh: runc with the capabilities this machine lacks left out,
// so that --privileged containers start where the machine is itself a sandbox.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { which } from '../../src/util/which.js';
import { tryRun } from './in-root.js';

export const DATA_ROOT = '/var/tmp/debstep-test-docker';
const EXEC_ROOT = '/run/debstep-test-docker';
const SOCKET = `${EXEC_ROOT}.sock`;
const PIDFILE = `${EXEC_ROOT}.pid`;
const LOG = `${DATA_ROOT}.log`;
const RUNTIME = join(import.meta.dirname, 'runc-in-bounds.sh');

export interface Daemon {
  /** The environment the docker command needs to reach this daemon. */
  readonly env: NodeJS.ProcessEnv;
  /** What it is, for the test's diagnostics. */
  readonly what: string;
  /** Whether the test started it (and so may prune its build cache). */
  readonly own: boolean;
  /** Stops the daemon if this test started it: dockerd, its containerd, their mounts. */
  stop(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function pidIn(file: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

async function answers(env: NodeJS.ProcessEnv): Promise<boolean> {
  return (await tryRun(['docker', 'info', '--format', '{{.ServerVersion}}'], { env, timeout: 20_000 })).code === 0;
}

/** Sends SIGTERM, waits up to `ms` for the process to go, then SIGKILL. */
async function end(pid: number, ms: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  for (const stop = Date.now() + ms; Date.now() < stop; await sleep(200)) if (!alive(pid)) return;
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(100);
}

/** Unmounts what is left under our data root and run-time state, deepest first. */
async function unmountOurs(): Promise<void> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const points = info.split('\n').map((l) => l.split(' ')[4] ?? '').filter((p) => p.startsWith(`${DATA_ROOT}/`) || p === DATA_ROOT || p.startsWith(`${EXEC_ROOT}/`) || p === EXEC_ROOT);
  for (const p of points.reverse()) await tryRun(['umount', '-l', p]);
}

async function ownDaemon(dockerd: string): Promise<Daemon> {
  const cli = join(dirname(dockerd), '../bin/docker');
  const path = (await access(cli).then(() => true, () => false)) ? `${dirname(cli)}:${process.env.PATH ?? ''}` : process.env.PATH;
  const env = { ...process.env, PATH: path, DOCKER_HOST: `unix://${SOCKET}`, DOCKER_BUILDKIT: '1' };
  const stop = async (): Promise<void> => {
    const pid = await pidIn(PIDFILE);
    // dockerd stops the containerd it started; one left by a killed dockerd is ended here.
    const containerd = await pidIn(`${EXEC_ROOT}/containerd/containerd.pid`);
    if (pid) await end(pid, 60_000);
    if (containerd && alive(containerd)) await end(containerd, 10_000);
    await unmountOurs();
    await rm(EXEC_ROOT, { recursive: true, force: true });
    await rm(SOCKET, { force: true });
    await rm(PIDFILE, { force: true });
  };
  // One left running by a test that was killed: ours, so it is used and stopped after.
  if ((await pidIn(PIDFILE)) && (await answers(env))) return { env, what: `the test's own dockerd, left running (${SOCKET})`, own: true, stop };
  await stop();
  await mkdir(DATA_ROOT, { recursive: true });
  const log = openSync(LOG, 'w');
  const child = spawn(dockerd, ['--storage-driver=vfs', '--iptables=false', '--bridge=none', `--data-root=${DATA_ROOT}`, `--exec-root=${EXEC_ROOT}`, `--host=unix://${SOCKET}`, `--pidfile=${PIDFILE}`, `--add-runtime=debstep-test=${RUNTIME}`, '--default-runtime=debstep-test'], { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));
  for (const deadline = Date.now() + 120_000; Date.now() < deadline && !exited; await sleep(500)) {
    if (await answers(env)) return { env, what: `dockerd started by the test (vfs, data root ${DATA_ROOT})`, own: true, stop };
  }
  const tail = (await readFile(LOG, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
  await stop();
  throw new Error(`dockerd did not start${exited ? ' (it exited)' : ' in 120 s'}; its log (${LOG}) ends:\n${tail}`);
}

/** A working Docker daemon, or why there is none. */
export async function dockerDaemon(): Promise<Daemon | string> {
  if (!(await which('docker'))) return 'no docker command';
  if (await answers(process.env)) return { env: process.env, what: 'the docker daemon already running here', own: false, stop: async () => {} };
  const dockerd = await which('dockerd');
  if (!dockerd) return 'docker has no daemon to talk to, and there is no dockerd to start (apt-get install docker.io)';
  return ownDaemon(dockerd);
}
