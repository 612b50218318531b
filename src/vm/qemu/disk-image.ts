// Sparse ext4 disk images for the guest, made on the host without root: mkfs.ext4 works
// on a plain file. The root's layers live on one (overlayfs refuses 9p as an upper
// layer), and a scratch disk when a scratch size is given.
import { open } from 'node:fs/promises';
import { HostError } from '../../core/errors.js';
import { run } from '../../util/process.js';
import { which } from '../../util/which.js';

/** Creates `path` as a sparse ext4 file system of `bytes`, holding `populateFrom`'s files. */
export async function createExt4Image(path: string, bytes: number, label: string, populateFrom?: string): Promise<void> {
  const mkfs = await which('mkfs.ext4');
  if (!mkfs) throw new HostError('the VM needs mkfs.ext4 to make its disks', { hint: 'apt-get install e2fsprogs' });
  const file = await open(path, 'wx', 0o644);
  try {
    await file.truncate(bytes);
  } finally {
    await file.close();
  }
  // Lazy initialisation keeps the file sparse; the guest mounts it with noinit_itable, so
  // it does not fill the inode tables in later either.
  const args = ['-q', '-F', '-L', label, '-m', '0', '-E', 'nodiscard,lazy_itable_init=1,lazy_journal_init=1', ...(populateFrom ? ['-d', populateFrom] : []), path];
  const r = await run([mkfs, ...args]);
  if (r.exitStatus !== 0) throw new HostError(`cannot make the VM disk ${path}: ${r.outputTail.join('\n').trim() || `${mkfs} exit status ${r.exitStatus ?? r.signal}`}`);
}
