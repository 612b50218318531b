// Benchmark (run by hand, as root): the same recipe on the host backend and in the VM
// (TCG here), from a cached base root: unpack, apt install from the mirror, a chroot
// command, an overlay, pack. Prints a Markdown table for bench/RESULTS.md.
//
//   node --import tsx bench/vm-vs-host.ts [runs]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { baseRootTarball } from '../test/helpers/base-root.js';

const runs = Number(process.argv[2] ?? 2);
const repo = resolve(import.meta.dirname, '..');
const dir = mkdtempSync('/var/tmp/debstep-bench-vm-');
copyFileSync(await baseRootTarball('bookworm', 'amd64', 'tar'), join(dir, 'base.tar'));
mkdirSync(join(dir, 'overlay/etc'), { recursive: true });
writeFileSync(join(dir, 'overlay/etc/motd'), 'benchmark\n');
writeFileSync(
  join(dir, 'recipe.yaml'),
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
const state = join(dir, 'state');

function build(backend: string): number {
  const out = mkdtempSync(join(dir, 'out-'));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', `file://${join(repo, 'node_modules/tsx/dist/loader.mjs')}`, join(repo, 'src/cli.ts'), 'build', join(dir, 'recipe.yaml'), '--backend', backend, '--no-cache', '--artifactdir', out, '--state-dir', state], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${backend} build failed`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

// One warm-up fills the package cache, so both measure building, not downloading; the
// layer cache stays out of it (--no-cache), or the host would only stack cached layers.
build('host');
const times: Record<string, number[]> = { host: [], vm: [] };
for (let i = 0; i < runs; i++) for (const b of ['host', 'vm'] as const) times[b]!.push(build(b));
rmSync(dir, { recursive: true, force: true });
const best = (xs: number[]) => Math.min(...xs);
console.log(`| backend | best of ${runs} (s) |\n|---|---|`);
console.log(`| host (chroot) | ${best(times.host!).toFixed(1)} |\n| VM (TCG) | ${best(times.vm!).toFixed(1)} |`);
console.log(`\nVM/host: ${(best(times.vm!) / best(times.host!)).toFixed(1)}×`);
