// Benchmark (run by hand, as root): the same recipe on the host backend and in the VM
// (TCG here), action by action, then an unchanged re-run in the VM (every layer from the
// VM's layer cache). Recipes: `example` (the README's, debootstrap and apt from the
// mirror), `small` (unpack a cached base root, apt, a chroot command, an overlay, pack).
// Prints Markdown tables for bench/RESULTS.md.
//
//   node --import tsx bench/vm-vs-host.ts [runs] [example] [small]
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { baseRootTarball } from '../test/helpers/base-root.js';
import { best, type Run, timedBuild } from './timed-build.js';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 1);
const picked = args.filter((a) => !/^\d+$/.test(a));
const repo = resolve(import.meta.dirname, '..');
const dir = mkdtempSync('/var/tmp/debstep-bench-vm-');

async function smallRecipe(): Promise<string> {
  copyFileSync(await baseRootTarball('bookworm', 'amd64', 'tar'), join(dir, 'base.tar'));
  mkdirSync(join(dir, 'overlay/etc'), { recursive: true });
  writeFileSync(join(dir, 'overlay/etc/motd'), 'benchmark\n');
  const file = join(dir, 'small.yaml');
  writeFileSync(
    file,
    `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar
  - action: apt
    packages: [hello, less]
  - action: run
    chroot: true
    command: useradd -m user
  - action: overlay
    source: overlay
  - action: pack
    file: out.tar.gz
`,
  );
  return file;
}

const recipes: Record<string, () => Promise<string>> = {
  example: async () => join(repo, 'recipes/debian-example/debian-example.yaml'),
  small: smallRecipe,
};

const build = (recipe: string, backend: string, state: string, cache: boolean, out?: string): Run => timedBuild(recipe, { backend, state, cache, scratch: dir, ...(out ? { out } : {}) });

for (const name of picked.length ? picked : Object.keys(recipes)) {
  const recipe = await recipes[name]!();
  const state = join(dir, `state-${name}`);
  // Warm-ups fill each backend's package caches (the VM's also holds the packages with
  // data.tar uncompressed and debootstrap's fetch), so the runs measure building, not
  // downloading: the host's is a build without the layer cache, the VM's the first build
  // with it, followed by an unchanged re-run that finds its artifacts where it left them.
  // The runs compared stay out of the layer cache (--no-cache), or they would only stack
  // cached layers.
  build(recipe, 'host', state, false);
  const kept = mkdtempSync(join(dir, 'kept-'));
  const cold = build(recipe, 'vm', state, true, kept);
  const rerun = build(recipe, 'vm', state, true, kept);
  rmSync(kept, { recursive: true, force: true });
  const times: Record<'host' | 'vm', Run[]> = { host: [], vm: [] };
  for (let i = 0; i < runs; i++) for (const b of ['host', 'vm'] as const) times[b].push(build(recipe, b, state, false));
  const [host, vm] = [best(times.host), best(times.vm)];
  console.log(`\n### ${name} (best of ${runs})\n`);
  console.log('| action | host (s) | VM (s) | VM/host |\n|---|---|---|---|');
  for (const [index, a] of host.actions) {
    const v = vm.actions.get(index)!.seconds;
    console.log(`| ${index} ${a.description} | ${a.seconds.toFixed(1)} | ${v.toFixed(1)} | ${(v / Math.max(a.seconds, 0.05)).toFixed(1)}× |`);
  }
  console.log(`| whole build (boot included) | ${host.seconds.toFixed(1)} | ${vm.seconds.toFixed(1)} | ${(vm.seconds / host.seconds).toFixed(1)}× |`);
  if (runs > 1) console.log(`\nEvery run, whole build: host ${times.host.map((r) => r.seconds.toFixed(1)).join(', ')} s; VM ${times.vm.map((r) => r.seconds.toFixed(1)).join(', ')} s`);
  console.log(`\nVM with the layer cache: first build ${cold.seconds.toFixed(1)} s, unchanged re-run ${rerun.seconds.toFixed(1)} s (${(rerun.seconds / cold.seconds).toFixed(3)}×)`);
}
rmSync(dir, { recursive: true, force: true });
