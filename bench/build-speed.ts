// Benchmark (run by hand, as root): debstep build against the hand-written baseline.sh
// doing the same steps with the same tools, and against debos --disable-fakemachine when
// a debos binary is on PATH. Cold runs start with empty caches; "packages cached" reuses
// the package cache but runs every action (--no-cache); "re-run" changes nothing and
// takes every replayable action from the layer cache.
//
//   node --import tsx bench/build-speed.ts [runs]
//
// Prints a Markdown table for bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hostDebianMirror } from '../src/engine/machine/host-mirror.js';
import { which } from '../src/util/which.js';

const runs = Number(process.argv[2] ?? 2);
const here = resolve(import.meta.dirname);
const recipe = join(here, 'recipes/rootfs.yaml');
const mirror = await hostDebianMirror();
const state = mkdtempSync('/var/tmp/debstep-bench-state-');

function timed(label: string, argv: string[]): number {
  const out = mkdtempSync(join(tmpdir(), 'bench-out-'));
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, [...argv.slice(1), ...(label === 'baseline' ? [] : ['--artifactdir', out])], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, BENCH_OUT: out },
    cwd: out,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${label} failed (${r.status})`);
  return seconds;
}

const debstep = [process.execPath, '--import', `file://${join(here, '../node_modules/tsx/dist/loader.mjs')}`, join(here, '../src/cli.ts'), 'build', recipe, '--state-dir', state];
const baseline = (out: string) => ['bash', join(here, 'baseline.sh'), out, mirror];
const results: Record<string, number[]> = {};
const add = (k: string, v: number) => (results[k] ??= []).push(v);

for (let i = 0; i < runs; i++) {
  rmSync(join(state, 'cache'), { recursive: true, force: true });
  add('debstep (cold caches)', timed('debstep', debstep));
  add('debstep (packages cached, --no-cache)', timed('debstep', [...debstep, '--no-cache']));
  add('debstep (re-run, nothing changed)', timed('debstep', debstep));
  const out = mkdtempSync(join(tmpdir(), 'bench-base-'));
  const started = process.hrtime.bigint();
  execFileSync(baseline(out)[0]!, baseline(out).slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  add('baseline.sh', Number(process.hrtime.bigint() - started) / 1e9);
  rmSync(out, { recursive: true, force: true });
  if (await which('debos')) add('debos --disable-fakemachine', timed('debos', ['debos', '--disable-fakemachine', recipe]));
}
rmSync(state, { recursive: true, force: true });

const best = (xs: number[]) => Math.min(...xs);
const floor = best(results['baseline.sh']!);
console.log(`| run | best of ${runs} (s) | vs baseline |\n|---|---|---|`);
for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${best(v).toFixed(1)} | ${(best(v) / floor).toFixed(2)}× |`);
