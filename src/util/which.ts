// Finding programs on PATH, plus the sbin directories root's PATH has (a sudo'd or
// plain-user PATH often lacks them, and mkfs, losetup, parted live there).
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export async function which(command: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SYSTEM_PATH];
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, command);
    if (await access(path, constants.X_OK).then(() => true, () => false)) return path;
  }
  return undefined;
}
