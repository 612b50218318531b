// The kernel modules the guest must load before it can reach its disks and shares,
// resolved through the chosen kernel's modules.dep, modules.builtin, modules.softdep and
// modules.alias. Dependencies come before their users (fakemachine 0.0.4 loaded virtio
// before virtio_ring and panicked on this very machine), built-in modules are skipped
// (Ubuntu builds virtio in), and compressed modules are unpacked for busybox's insmod.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HostError } from '../../core/errors.js';
import { capture, ProcessFailure } from '../../util/process.js';

/** The kernel treats `-` and `_` in module names alike. */
export const moduleName = (fileOrName: string): string => basename(fileOrName).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');

export interface ModuleTree {
  readonly dir: string;
  /** Module name → its file (relative to dir) and direct-or-transitive dependencies. */
  readonly modules: ReadonlyMap<string, { readonly file: string; readonly deps: readonly string[] }>;
  readonly builtin: ReadonlySet<string>;
  /** Modules to load before a module (softdep pre:), as names or aliases. */
  readonly softdeps: ReadonlyMap<string, readonly string[]>;
  /** Exact aliases only (crypto-crc32c); wildcard device aliases are not needed here. */
  readonly aliases: ReadonlyMap<string, readonly string[]>;
}

export function parseModulesDep(text: string): Map<string, { file: string; deps: string[] }> {
  const modules = new Map<string, { file: string; deps: string[] }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const file = line.slice(0, colon).trim();
    const deps = line.slice(colon + 1).trim().split(/\s+/).filter(Boolean).map(moduleName);
    modules.set(moduleName(file), { file, deps });
  }
  return modules;
}

export function parseSoftdeps(text: string): Map<string, string[]> {
  const softdeps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    if (words[0] !== 'softdep' || !words[1]) continue;
    const pre: string[] = [];
    let inPre = false;
    for (const w of words.slice(2)) {
      if (w.endsWith(':')) inPre = w === 'pre:';
      else if (inPre) pre.push(w);
    }
    if (pre.length) softdeps.set(moduleName(words[1]), [...(softdeps.get(moduleName(words[1])) ?? []), ...pre]);
  }
  return softdeps;
}

export function parseAliases(text: string): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^alias\s+(\S+)\s+(\S+)/.exec(line);
    if (!m || /[*?[]/.test(m[1]!)) continue;
    aliases.set(m[1]!, [...(aliases.get(m[1]!) ?? []), moduleName(m[2]!)]);
  }
  return aliases;
}

// Files a kernel may lack (modules.builtin on old ones): none listed.
const readOptional = (path: string) => readFile(path, 'utf8').catch(() => '');

export async function readModuleTree(dir: string): Promise<ModuleTree> {
  const dep = await readFile(join(dir, 'modules.dep'), 'utf8').catch((err: Error) => {
    throw new HostError(`cannot read the kernel's module list ${join(dir, 'modules.dep')}: ${err.message}`, {
      hint: `run depmod for that kernel, or pass the modules directory of the kernel the VM boots`,
    });
  });
  const builtin = (await readOptional(join(dir, 'modules.builtin'))).split('\n').filter(Boolean).map(moduleName);
  return {
    dir,
    modules: parseModulesDep(dep),
    builtin: new Set(builtin),
    softdeps: parseSoftdeps(await readOptional(join(dir, 'modules.softdep'))),
    aliases: parseAliases(await readOptional(join(dir, 'modules.alias'))),
  };
}

export interface WantedModule {
  readonly name: string;
  /** Needed for the guest to work at all; otherwise a feature is missing without it. */
  readonly required: boolean;
  /** Why the guest wants it, for the diagnostics. */
  readonly why: string;
  /** The agent cannot start without it: loaded before the agent, the rest while it starts. */
  readonly beforeAgent?: boolean;
}

export interface ModuleToLoad {
  readonly name: string;
  /** Path relative to the tree's directory. */
  readonly file: string;
  /** A failed load stops the boot only for required modules. */
  readonly required: boolean;
  /** Needed by a module wanted before the agent starts. */
  readonly beforeAgent: boolean;
}

export interface ModulePlan {
  /** In load order: every module after all of its dependencies, and those needed before
   * the agent starts before all others. */
  readonly load: readonly ModuleToLoad[];
  readonly builtin: readonly string[];
  /** Wanted modules the kernel has neither built in nor as a module. */
  readonly missing: readonly WantedModule[];
}

/** Orders the wanted modules and their dependencies for loading one by one. */
export function resolveModules(tree: ModuleTree, wanted: readonly WantedModule[]): ModulePlan {
  const load: ModuleToLoad[] = [];
  const index = new Map<string, number>();
  const builtin = new Set<string>();
  const missing: WantedModule[] = [];
  const visiting = new Set<string>();

  // Depth-first, appending a module after everything it needs: a topological order that
  // does not depend on how modules.dep happens to order the dependency list.
  let beforeAgent = false;
  const visit = (name: string, required: boolean): boolean => {
    if (tree.builtin.has(name)) {
      builtin.add(name);
      return true;
    }
    const mod = tree.modules.get(name);
    if (!mod) return false;
    const at = index.get(name);
    if (at !== undefined) {
      if (required && !load[at]!.required) load[at] = { ...load[at]!, required };
      return true;
    }
    if (visiting.has(name)) return true;
    visiting.add(name);
    for (const pre of tree.softdeps.get(name) ?? []) {
      // A softdep is a preference: a missing one or one that fails to load is not fatal.
      for (const candidate of tree.modules.has(moduleName(pre)) ? [moduleName(pre)] : (tree.aliases.get(pre) ?? [])) visit(candidate, false);
    }
    for (const dep of mod.deps) visit(dep, required);
    visiting.delete(name);
    index.set(name, load.length);
    load.push({ name, file: mod.file, required, beforeAgent });
    return true;
  };

  // Those wanted before the agent first, so they and their dependencies come first.
  for (beforeAgent of [true, false]) {
    for (const w of wanted) {
      if (Boolean(w.beforeAgent) === beforeAgent && !visit(moduleName(w.name), w.required)) missing.push(w);
    }
  }
  return { load, builtin: [...builtin], missing };
}

/** A module file as insmod wants it: uncompressed. */
export async function readModule(tree: ModuleTree, file: string): Promise<Buffer> {
  const path = join(tree.dir, file);
  if (file.endsWith('.ko')) return readFile(path);
  if (file.endsWith('.ko.gz')) return gunzipSync(await readFile(path));
  const tool = file.endsWith('.ko.xz') ? ['xz', 'xz-utils'] : file.endsWith('.ko.zst') ? ['zstd', 'zstd'] : undefined;
  if (!tool) throw new HostError(`cannot load kernel module ${path}: unknown compression`);
  return decompressWith(tool[0]!, tool[1]!, path);
}

async function decompressWith(command: string, pkg: string, path: string): Promise<Buffer> {
  try {
    return await capture([command, '-dc', path]);
  } catch (err) {
    const why = err instanceof ProcessFailure ? err.why : (err as Error).message;
    throw new HostError(`cannot unpack kernel module ${path}: ${why}`, { hint: `apt-get install ${pkg}` });
  }
}
