// The host's binfmt_misc handlers, re-registered in the guest exactly as they are (same
// magic, mask, interpreter and flags), so arm64 or armhf chroots run in the VM as they do
// on the host. The interpreters live in /usr, which the guest shares.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEntry } from '../binfmt.js';

const HOST_BINFMT = '/proc/sys/fs/binfmt_misc';

const escapeHex = (hex: string) => hex.replace(/../g, (byte) => `\\x${byte}`);

/** The register line for one /proc/sys/fs/binfmt_misc/<name> file, or undefined when it
 * is disabled or matches by extension (nothing a build needs). */
export function registrationFor(name: string, text: string): string | undefined {
  const entry = parseEntry(name, text);
  if (!entry.enabled || entry.magic === '' || !entry.interpreter) return undefined;
  const offset = /^offset (\d+)$/m.exec(text)?.[1] ?? '0';
  // Only the letters the register syntax knows; the kernel prints them the same way.
  const flags = entry.flags.replace(/[^POCF]/g, '');
  return `:${name}:M:${offset}:${escapeHex(entry.magic)}:${escapeHex(entry.mask)}:${entry.interpreter}:${flags}`;
}

/** Register lines for every enabled magic-type handler of the host. */
export async function hostBinfmtRegistrations(dir = HOST_BINFMT): Promise<string[]> {
  // binfmt_misc not mounted: no handlers to copy into the guest (a foreign command then says so).
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n !== 'status' && n !== 'register').sort();
  // A handler removed meanwhile has nothing to register.
  const lines = await Promise.all(names.map(async (n) => registrationFor(n, await readFile(join(dir, n), 'utf8').catch(() => ''))));
  return lines.filter((l): l is string => l !== undefined);
}
