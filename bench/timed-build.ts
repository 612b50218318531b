// One `debstep build` timed by the benches: wall time and each action's time from --events.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');

export interface Run {
  readonly seconds: number;
  /** Action number → its description and seconds. */
  readonly actions: Map<number, { description: string; seconds: number }>;
}

/** Builds `recipe` with its artifacts in a directory under `scratch`, deleted afterwards,
 * or in `out`, kept (a re-run then finds the artifacts it made, as a user's would). */
export function timedBuild(recipe: string, opts: { backend: string; state: string; cache: boolean; scratch: string; out?: string }): Run {
  const out = opts.out ?? mkdtempSync(join(opts.scratch, 'out-'));
  const events = join(out, `events-${process.hrtime.bigint()}.jsonl`);
  const started = process.hrtime.bigint();
  const argv = [join(repo, 'bin/debstep.js'), 'build', recipe, '--backend', opts.backend, ...(opts.cache ? [] : ['--no-cache']), '--artifactdir', out, '--state-dir', opts.state, '--events', events];
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${opts.backend} build of ${recipe} failed`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const actions = new Map<number, { description: string; seconds: number }>();
  for (const line of readFileSync(events, 'utf8').split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as { type: string; index?: number; description?: string; durationMs?: number };
    if (e.type === 'action-start') actions.set(e.index!, { description: e.description!, seconds: 0 });
    if (e.type === 'action-end') actions.get(e.index!)!.seconds = e.durationMs! / 1000;
  }
  if (opts.out) rmSync(events, { force: true });
  else rmSync(out, { recursive: true, force: true });
  return { seconds, actions };
}

/** The fastest of several runs. */
export const best = (runs: readonly Run[]): Run => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
