// How the guest starts its agent: the host's own node binary on agent.js from the debstep
// installation. When debstep runs from its TypeScript sources, the agent is bundled into
// one file first: transpiling dozens of modules in the guest under TCG takes seconds.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The agent script, bundled into `workDir` when running from sources. */
export async function agentProgram(workDir: string): Promise<AgentProgram> {
  const self = fileURLToPath(import.meta.url);
  const source = join(dirname(self), self.endsWith('.ts') ? 'agent.ts' : 'agent.js');
  if (!source.endsWith('.ts')) return { script: source, note: `agent ${source}` };
  const script = join(workDir, 'agent.mjs');
  const { build } = await import('esbuild');
  const native = join(packageRoot(), 'node_modules', 'node-pty', 'lib', 'index.js');
  const started = Date.now();
  await build({
    entryPoints: [source],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    // Bundled CommonJS code (execa's dependencies) calls require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    plugins: [
      {
        // node-pty is native: it stays where it is installed, imported by absolute path.
        name: 'node-pty-in-place',
        setup: (b) => b.onResolve({ filter: /^node-pty$/ }, () => ({ path: native, external: true })),
      },
    ],
  });
  return { script, note: `agent bundled from ${source} in ${Date.now() - started} ms` };
}
