// The KVM probe's answer, kept in the VM cache directory so that the next build pays
// nothing. An answer holds for one kernel image and one QEMU binary (each by path, size
// and modification time) on one boot of the host: a reboot can change the KVM module,
// its parameters or the hypervisor below, so the first build after it asks again.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileId {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface ProbeKey {
  readonly kernel: FileId;
  readonly qemu: FileId;
  /** /proc/sys/kernel/random/boot_id: new at every boot of the host. */
  readonly bootId: string;
}

/** A kept answer: KVM works or not, in words that say what the probe saw. */
export interface KeptAnswer {
  readonly works: boolean;
  readonly detail: string;
}

const PREFIX = 'kvm-probe-';

export async function fileId(path: string): Promise<FileId> {
  const st = await stat(path);
  return { path, size: st.size, mtimeMs: st.mtimeMs };
}

export const hostBootId = async (file = '/proc/sys/kernel/random/boot_id'): Promise<string> => (await readFile(file, 'utf8')).trim();

export async function probeKey(kernelImage: string, qemu: string, bootId: () => Promise<string> = hostBootId): Promise<ProbeKey> {
  const [kernel, q, boot] = await Promise.all([fileId(kernelImage), fileId(qemu), bootId()]);
  return { kernel, qemu: q, bootId: boot };
}

const digest = (key: ProbeKey) => createHash('sha256').update(JSON.stringify([key.kernel, key.qemu, key.bootId])).digest('hex').slice(0, 16);

/** Where the answer for `key` is kept in `cacheDir`. */
export const answerFile = (cacheDir: string, key: ProbeKey): string => join(cacheDir, `${PREFIX}${digest(key)}.json`);

interface Stored extends KeptAnswer {
  readonly key: ProbeKey;
  readonly at: string;
}

/** The kept answer for `key`, if there is one. */
export async function readAnswer(cacheDir: string, key: ProbeKey): Promise<KeptAnswer | undefined> {
  // No answer kept (or unreadable): KVM is probed again.
  const text = await readFile(answerFile(cacheDir, key), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const s = JSON.parse(text) as Stored;
    if (digest(s.key) !== digest(key) || typeof s.works !== 'boolean' || typeof s.detail !== 'string') return undefined;
    return { works: s.works, detail: s.detail };
  } catch {
    // A broken answer file: KVM is probed again.
    return undefined;
  }
}

/** Keeps `answer` for `key` (written whole, then renamed) and drops answers from earlier
 * boots, which can never be read again. Returns the file. */
export async function writeAnswer(cacheDir: string, key: ProbeKey, answer: KeptAnswer): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  const file = answerFile(cacheDir, key);
  const stored: Stored = { key, works: answer.works, detail: answer.detail, at: new Date().toISOString() };
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(stored, null, 2)}\n`);
  await rename(temp, file);
  // Only removing old answers.
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
    if (!name.startsWith(PREFIX) || !name.endsWith('.json') || join(cacheDir, name) === file) continue;
    const other = await readFile(join(cacheDir, name), 'utf8').then((t) => JSON.parse(t) as Stored, () => undefined);
    if (other?.key?.bootId !== key.bootId) await rm(join(cacheDir, name), { force: true });
  }
  return file;
}
