// File operations inside the target root, done from the host. Paths resolve the way the
// chroot would resolve them: `..` stops at the root and an absolute symlink points into
// the root, so no host-side write can leave it (/etc -> /host/etc writes root/host/etc).
import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { BuildError } from '../../core/errors.js';
import type { RootFiles } from '../machine.js';

const MAX_SYMLINKS = 40;

/** The path's lstat, or null when nothing is there. Any other failure (a permission, an
 * I/O error) is thrown: taken as "not there", a write would go ahead on a wrong belief. */
async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/**
 * The host path of `path` inside `root`, following symlinks as a process chrooted into
 * root would (the last component only when `followLast`).
 */
export async function resolveInRoot(root: string, path: string, followLast = true): Promise<string> {
  const pending = path.split('/').filter((c) => c !== '' && c !== '.');
  const resolved: string[] = [];
  let links = 0;
  let exists = true;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    if (c === '.') continue;
    if (!exists) {
      resolved.push(c);
      continue;
    }
    const host = join(root, ...resolved, c);
    const st = await lstatOrNull(host);
    if (st === null) {
      exists = false;
      resolved.push(c);
      continue;
    }
    if (st.isSymbolicLink() && (pending.length > 0 || followLast)) {
      if (++links > MAX_SYMLINKS) throw new BuildError(`too many levels of symbolic links resolving ${path} in the root`);
      const target = await readlink(host);
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...target.split('/').filter((t) => t !== ''));
      continue;
    }
    resolved.push(c);
  }
  return join(root, ...resolved);
}

/** Copies one tree into the root with debos's overlay rules. */
async function copyTree(root: string, source: string, destination: string): Promise<void> {
  const st = await lstat(source);
  if (st.isDirectory()) {
    const dir = await resolveInRoot(root, destination);
    const existing = await lstatOrNull(dir);
    if (existing === null) {
      await mkdir(dir);
      await chmod(dir, st.mode & 0o7777);
    } else if (!existing.isDirectory()) {
      throw new BuildError(`cannot copy directory ${source} over ${destination}: not a directory in the root`);
    }
    for (const name of (await readdir(source)).sort()) {
      await copyTree(root, join(source, name), posix.join(destination, name));
    }
  } else if (st.isFile()) {
    const target = await resolveInRoot(root, destination, false);
    // Write beside and rename, so an existing file (or symlink) is replaced, not written through.
    const temp = `${target}.debstep-tmp`;
    await copyFile(source, temp, constants.COPYFILE_FICLONE);
    await chmod(temp, st.mode & 0o7777);
    await rename(temp, target);
  } else if (st.isSymbolicLink()) {
    const target = await resolveInRoot(root, destination, false);
    // Like a file, a link replaces the file or link that is there; a real directory stays,
    // as replacing it would throw away its contents.
    if ((await lstatOrNull(target))?.isDirectory()) return;
    const temp = `${target}.debstep-tmp`;
    await rm(temp, { force: true });
    await symlink(await readlink(source), temp);
    await rename(temp, target);
  } else {
    throw new BuildError(`cannot copy ${source}: only files, directories and symlinks can be copied into the root`);
  }
}

export class HostRootFiles implements RootFiles {
  constructor(private readonly root: string) {}

  resolve(path: string): Promise<string> {
    return resolveInRoot(this.root, path);
  }

  async exists(path: string): Promise<boolean> {
    return (await lstatOrNull(await resolveInRoot(this.root, path, false))) !== null;
  }

  async readFile(path: string): Promise<Buffer> {
    return readFile(await this.resolve(path));
  }

  async writeFile(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
    const target = await this.resolve(path);
    await writeFile(target, data, { mode });
    await chmod(target, mode);
  }

  async remove(path: string): Promise<void> {
    await rm(await resolveInRoot(this.root, path, false), { recursive: true, force: true });
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(await resolveInRoot(this.root, from, false), await resolveInRoot(this.root, to, false));
  }

  async mkdir(path: string, mode = 0o755): Promise<void> {
    const pending = path.split('/').filter((c) => c !== '');
    for (let i = 1; i <= pending.length; i++) {
      const dir = await this.resolve('/' + pending.slice(0, i).join('/'));
      const st = await lstatOrNull(dir);
      if (st === null) {
        await mkdir(dir, { mode });
        await chmod(dir, mode); // mkdir masks the mode with the umask
      }
      else if (!(await stat(dir)).isDirectory()) throw new BuildError(`${path}: ${dirname(dir)} is not a directory in the root`);
    }
  }

  async copyIn(hostSource: string, destination: string): Promise<void> {
    await copyTree(this.root, hostSource, destination);
  }
}
