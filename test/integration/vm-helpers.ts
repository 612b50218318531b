// Shared by the VM integration tests: work directories and the check
// that no QEMU outlives its test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseModulesDep } from '../../src/vm/qemu/modules.js';
import { type RootLayers } from '../../src/vm/machine.js';


export interface VmWorkspace {
  readonly dir: string;
  readonly rootDir: string;
  readonly layersDir: string;
}

/** A workspace laid out as the engine's: root/, layers/base/. */
export async function vmWorkspace(parent = '/var/tmp'): Promise<VmWorkspace> {
  const dir = await mkdtemp(join(parent, 'debstep-vm-test-'));
  await mkdir(join(dir, 'root'));
  await mkdir(join(dir, 'layers', 'base'), { recursive: true });
  return { dir, rootDir: join(dir, 'root'), layersDir: join(dir, 'layers') };
}

/** A fresh root of one layer on top of the empty base. */
export const layer = (ws: VmWorkspace, name: string, lowers: string[] = ['base']): RootLayers => ({ dir: ws.layersDir, upper: name, work: `work-${name}`, lowers });

/** QEMU processes whose command line mentions `needle` (the workspace is in its -drive). */
export function qemuProcessesWith(needle: string): string[] {
  const r = spawnSync('pgrep', ['-a', '-f', `qemu-system.*${needle}`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

export function assertNoQemuLeft(ws: VmWorkspace): void {
  assert.deepEqual(qemuProcessesWith(ws.dir), [], 'no QEMU process is left behind');
}

/** Collects a command's output lines. */
export function collect(): { lines: [string, string][]; sink: (stream: string, line: string) => void; text: () => string } {
  const lines: [string, string][] = [];
  return { lines, sink: (stream, line) => void lines.push([stream, line]), text: () => lines.map(([, l]) => l).join('\n') };
}

/** The installed kernel's module tree, with `broken` replaced by garbage. */
export async function treeWithBrokenModule(kernel: { release: string; modulesDir: string }, broken: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'debstep-broken-modules-')), kernel.release);
  await mkdir(dir);
  for (const name of ['modules.dep', 'modules.builtin', 'modules.softdep', 'modules.alias']) {
    await symlink(join(kernel.modulesDir, name), join(dir, name)).catch(() => {});
  }
  for (const [name, mod] of parseModulesDep(await readFile(join(kernel.modulesDir, 'modules.dep'), 'utf8'))) {
    await mkdir(dirname(join(dir, mod.file)), { recursive: true });
    if (name === broken) await writeFile(join(dir, mod.file), 'not a kernel module\n');
    else await symlink(join(kernel.modulesDir, mod.file), join(dir, mod.file));
  }
  return dir;
}
