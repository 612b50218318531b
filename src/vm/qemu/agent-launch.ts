// How the guest starts its agent: the host's own node binary on agent.js from the debstep
// installation. When debstep runs from its TypeScript sources, the agent is bundled into
// one file first: transpiling dozens of modules in the guest under TCG takes seconds.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The debstep installation: the nearest directory above this file with a package.json. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** Node flags for the agent: without the JIT, node starts in about half the time under
 * TCG, where every freshly generated piece of machine code must be translated again. */
export const AGENT_NODE_FLAGS = ['--jitless', '--no-expose-wasm'];

export interface AgentProgram {
  /** The script node runs in the guest. */
  readonly script: string;
  readonly note: string;
}

/** The bundle `npm run build` makes next to the compiled agent. */
export const BUNDLED_AGENT = 'agent.cjs';

/** The agent script: the bundle made at build time, or one bundled into `workDir` when
 * running from the TypeScript sources. */
export async function agentProgram(workDir: string): Promise<AgentProgram> {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, BUNDLED_AGENT);
  if (existsSync(bundled)) return { script: bundled, note: `agent ${bundled}` };
  const source = join(here, existsSync(join(here, 'agent.ts')) ? 'agent.ts' : 'agent.js');
  const script = join(workDir, BUNDLED_AGENT);
  const started = Date.now();
  await bundleAgent(source, script);
  return { script, note: `agent bundled from ${source} in ${Date.now() - started} ms` };
}

/** Bundles the agent and what it imports into one CommonJS file: loading one file is much
 * faster than resolving dozens under emulation, and node starts a CommonJS script ≈0.1 s
 * sooner than an ES module under TCG (no ES module loader). */
export async function bundleAgent(source: string, outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    // The bundle's modules resolve what they load at run time (node-pty, native, is not
    // bundled) from the installation, not from wherever the bundle is.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(packageRoot(), 'package.json')).href) },
  });
}
