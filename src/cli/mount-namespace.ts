// A building debstep lives in a private mount namespace of its own: the root overlay and
// any image mounts it makes are invisible to the host and vanish with the process, even
// on SIGKILL. The command re-executes itself under unshare(1) to get there.
import { constants } from 'node:os';
import { start } from '../util/process.js';

const MARK = 'DEBSTEP_MOUNT_NS';

/**
 * In the re-executed child: true, and descendants (a debstep started from a debug shell)
 * will make namespaces of their own. In the parent: runs the child and returns its exit
 * code, for the caller to exit with.
 */
export async function enterPrivateMountNamespace(): Promise<true | number> {
  if (process.env[MARK] === 'pending') {
    process.env[MARK] = 'entered';
    return true;
  }
  const argv = [
    'setpriv', '--pdeathsig', 'KILL', '--',
    'unshare', '--mount', '--propagation', 'private', '--',
    process.execPath, ...process.execArgv, ...process.argv.slice(1),
  ];
  const child = start(argv, { stdio: 'inherit', env: { ...process.env, [MARK]: 'pending' } });
  // The child decides what a signal means. A terminal's Ctrl-C reaches it twice (it is in
  // the process group, and forwarded): once a signal is taken, the child ignores the next.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  process.on('SIGINT', onInt);
  const onTerm = forward('SIGTERM');
  const onHup = forward('SIGHUP');
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`error: cannot start unshare to get a private mount namespace: ${err.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      resolve(code ?? 128 + constants.signals[signal ?? 'SIGKILL']);
    });
  });
}
