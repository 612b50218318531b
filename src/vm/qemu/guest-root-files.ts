// RootFiles for a root that lives in the VM: each operation runs in the guest agent with
// HostRootFiles, so paths resolve exactly as on the host backend. Copying in a host
// directory the guest cannot see goes through the machine's own share.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RootFiles } from '../machine.js';
import type { Call } from './protocol.js';

export class GuestRootFiles implements RootFiles {
  constructor(
    private readonly call: (c: Call) => Promise<unknown>,
    /** Whether the guest sees this host path at the same path. */
    private readonly visible: (hostPath: string) => boolean,
    /** A host directory the guest sees, for staging copies. */
    private readonly stagingDir: string,
  ) {}

  async resolve(path: string): Promise<string> {
    return String(await this.call({ method: 'resolve', path }));
  }

  async exists(path: string): Promise<boolean> {
    return (await this.call({ method: 'exists', path })) === true;
  }

  async readFile(path: string): Promise<Buffer> {
    return Buffer.from(String(await this.call({ method: 'readFile', path })), 'base64');
  }

  async writeFile(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
    await this.call({ method: 'writeFile', path, data: Buffer.from(data).toString('base64'), ...(mode === undefined ? {} : { mode }) });
  }

  async remove(path: string): Promise<void> {
    await this.call({ method: 'remove', path });
  }

  async rename(from: string, to: string): Promise<void> {
    await this.call({ method: 'rename', from, to });
  }

  async mkdir(path: string, mode?: number): Promise<void> {
    await this.call({ method: 'mkdir', path, ...(mode === undefined ? {} : { mode }) });
  }

  async copyIn(hostSource: string, destination: string): Promise<void> {
    if (this.visible(hostSource)) {
      await this.call({ method: 'copyIn', source: hostSource, destination });
      return;
    }
    const staging = await mkdtemp(join(this.stagingDir, 'copy-'));
    try {
      const staged = join(staging, 'source');
      await cp(hostSource, staged, { recursive: true, verbatimSymlinks: true });
      await this.call({ method: 'copyIn', source: staged, destination });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}
