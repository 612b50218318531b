// The host kernel's binfmt_misc, as binfmt.ts's diagnosis reads it.
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BinfmtEntry, type BinfmtView, parseEntry } from '../binfmt.js';
import { spawnCommand } from './exec.js';

const PROC = '/proc/sys/fs/binfmt_misc';

async function readEntries(): Promise<BinfmtEntry[]> {
  const names = (await readdir(PROC)).filter((n) => n !== 'status' && n !== 'register');
  // A handler removed meanwhile: an empty entry, filtered out below.
  const entries = await Promise.all(names.map(async (n) => parseEntry(n, await readFile(join(PROC, n), 'utf8').catch(() => ''))));
  return entries.filter((e) => e.magic !== '');
}

export async function hostBinfmtView(inRoot: (path: string) => Promise<boolean>): Promise<BinfmtView> {
  const status = await readFile(join(PROC, 'status'), 'utf8').then(
    (s) => (s.trim() === 'enabled' ? ('enabled' as const) : ('disabled' as const)),
    () => undefined,
  );
  return {
    status,
    entries: status ? await readEntries() : [],
    inRoot,
    runProbe: async (program) => {
      const dir = await mkdtemp(join(tmpdir(), 'debstep-probe-'));
      try {
        const path = join(dir, 'probe');
        await writeFile(path, program);
        await chmod(path, 0o755);
        const lines: string[] = [];
        const r = await spawnCommand([path], { env: { PATH: '/usr/bin:/bin' } }, (_s, l) => lines.push(l));
        return r.exitStatus === 0 ? undefined : lines.join(' ') || `exit status ${r.exitStatus ?? r.signal}`;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
