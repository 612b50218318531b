// node-pty, loaded on first use. It is a native addon: loading it at startup would cost
// every command that never opens a terminal, and the VM agent's V8 startup snapshot
// cannot hold it. Resolved from debstep's installation, wherever the running file is
// (the agent runs from a bundle in a temporary directory).
import { createRequire } from 'node:module';

type NodePty = typeof import('node-pty');
let loaded: NodePty | undefined;

export function nodePty(): NodePty {
  return (loaded ??= createRequire(import.meta.url)('node-pty') as NodePty);
}
