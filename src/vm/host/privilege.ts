// Whether this process may mount and make namespaces: root is not enough, a container
// (docker run without --privileged) runs root without CAP_SYS_ADMIN, and there the host
// backend, the private mount namespace and `unshare --pid` all fail. Such a root builds in
// the VM, like an ordinary user.
import { readFileSync } from 'node:fs';

const CAP_SYS_ADMIN = 21n;

/** The effective capability set from /proc/self/status's CapEff line (hex), undefined when absent. */
export function effectiveCaps(status: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-f]+)$/im.exec(status);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

/** Root with CAP_SYS_ADMIN, from a /proc/self/status text and the uid. A kernel that shows
 * no CapEff line (none does) would be taken at its uid. */
export function mayMountFrom(uid: number | undefined, status: string): boolean {
  if (uid !== 0) return false;
  const caps = effectiveCaps(status);
  return caps === undefined || ((caps >> CAP_SYS_ADMIN) & 1n) === 1n;
}

let cached: boolean | undefined;

/** This process: root that may mount (capabilities do not change while debstep runs). */
export function mayMount(): boolean {
  if (cached === undefined) {
    let status = '';
    try {
      status = readFileSync('/proc/self/status', 'utf8');
    } catch {
      // No /proc: nothing to go by but the uid.
    }
    cached = mayMountFrom(process.getuid?.(), status);
  }
  return cached;
}
