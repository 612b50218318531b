// A V8 startup snapshot of the guest agent: node starting from it has the agent's code
// loaded already, and is ready ≈0.3–0.4 s sooner under TCG (bench/RESULTS.md). V8 accepts a
// snapshot only on a CPU with the features it was made on, so it is made on the host under
// QEMU's user-mode emulation of the guest's CPU model, once per node binary, agent and
// model, and kept in the VM cache. Node exits with status 14 when it refuses a snapshot;
// the guest's init then starts the agent without one.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../../util/exists.js';
import { capture } from '../../util/process.js';
import { settle } from '../../util/write-whole.js';
import { which } from '../../util/which.js';
import { AGENT_NODE_FLAGS } from './agent-launch.js';

export type AgentSnapshot = { readonly blob: string; readonly note: string } | { readonly blob?: undefined; readonly note: string };

/** The snapshot of `script` for a guest with `cpu`, made now if it is not in `cacheDir`. */
export async function agentSnapshot(script: string, cpu: string, cacheDir: string): Promise<AgentSnapshot> {
  if (process.arch !== 'x64') return { note: 'no agent snapshot: made only for x86_64 guests' };
  const emulator = (await which('qemu-x86_64-static')) ?? (await which('qemu-x86_64'));
  if (!emulator) return { note: 'no agent snapshot: qemu-x86_64 is not installed (apt-get install qemu-user-static)' };
  const node = await stat(process.execPath);
  const key = createHash('sha256')
    .update(JSON.stringify([process.execPath, node.size, node.mtimeMs, process.version, cpu, AGENT_NODE_FLAGS]))
    .update(await readFile(script))
    .digest('hex')
    .slice(0, 16);
  const blob = join(cacheDir, `agent-${key}.blob`);
  if (await pathExists(blob)) return { blob, note: `agent from its V8 startup snapshot ${blob}` };
  const started = Date.now();
  try {
    await mkdir(cacheDir, { recursive: true });
    await settle(blob, (partial) => capture([emulator, '-cpu', cpu, process.execPath, ...AGENT_NODE_FLAGS, '--snapshot-blob', partial, '--build-snapshot', script], { signal: AbortSignal.timeout(120_000) }));
  } catch (err) {
    return { note: `no agent snapshot: making it failed (${(err as Error).message.split('\n')[0]})` };
  }
  // Snapshots of other agents or node binaries are of no more use.
  for (const old of await readdir(cacheDir)) {
    if (/^agent-[0-9a-f]{16}\.blob$/.test(old) && join(cacheDir, old) !== blob) await rm(join(cacheDir, old), { force: true });
  }
  return { blob, note: `agent from a V8 startup snapshot made under QEMU's ${cpu} in ${Date.now() - started} ms, kept in ${blob}` };
}
