// examples/ci: each file parses for its engine's structure, builds the example recipe for
// the matrix `debstep matrix` prints for the same -t values, and names files that exist.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import yaml from 'js-yaml';
import { debstep, REPO } from '../helpers/debstep.js';

const RECIPE = 'recipes/debian-example/debian-example.yaml';
const AXIS = 'architecture:amd64,arm64';

async function load(name: string): Promise<Record<string, any>> {
  return yaml.load(await readFile(join(REPO, 'examples/ci', name), 'utf8')) as Record<string, any>;
}

async function matrix(format: string): Promise<string> {
  const r = await debstep(['matrix', RECIPE, '-t', AXIS, '--format', format]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'the example reads every axis');
  return r.stdout;
}

test('GitHub Actions: the build job fans out over debstep matrix, runs the image on the recipe, uploads out/ and the events', async () => {
  const wf = await load('github-actions.yml');
  assert.ok(wf.on && wf.jobs, 'a workflow has on: and jobs:');
  for (const [name, job] of Object.entries<any>(wf.jobs)) {
    assert.equal(typeof job['runs-on'], 'string', `${name}: runs-on`);
    for (const step of job.steps) assert.ok(typeof step.uses === 'string' || typeof step.run === 'string', `${name}: each step uses or runs`);
  }
  const build = wf.jobs.build;
  assert.deepEqual(build.strategy.matrix, JSON.parse(await matrix('github')));
  const run = build.steps.map((s: any) => s.run ?? '').join('\n');
  assert.match(run, /docker run --rm "\$\{kvm\[@\]\}" -v "\$PWD:\/recipes" -w \/recipes debstep/);
  assert.ok(run.includes(`build ${RECIPE} -t architecture:\${{ matrix.architecture }}`));
  assert.match(run, /--events out\/events\.jsonl/);
  const uses = (prefix: string) => build.steps.filter((s: any) => s.uses?.startsWith(prefix));
  assert.equal(uses('actions/upload-artifact@')[0].with.path, 'out/');
  assert.equal(uses('actions/cache@')[0].with.path, '.debstep-state/cache');
  assert.match(run, /--state-dir \.debstep-state/);
});

test('GitLab CI: parallel:matrix is what debstep matrix --format gitlab prints; cache and artifacts kept', async () => {
  const ci = await load('gitlab-ci.yml');
  const job = ci['debian-example'];
  assert.deepEqual(job.parallel, (yaml.load(await matrix('gitlab')) as any).parallel);
  assert.ok(ci.stages.includes(job.stage));
  assert.deepEqual(job.image.entrypoint, ['']);
  const script = job.script.join('\n');
  assert.ok(script.includes(`debstep build ${RECIPE} -t "architecture:$architecture"`));
  assert.match(script, /--state-dir \.debstep-state --events out\/events\.jsonl/);
  assert.deepEqual(job.cache.paths, ['.debstep-state/cache/']);
  assert.deepEqual([job.artifacts.when, job.artifacts.paths], ['always', ['out/']]);
});

test('Kubernetes: one Job, unprivileged, that builds the recipe for one of the matrix values', async () => {
  const job = await load('kubernetes-job.yaml');
  assert.deepEqual([job.apiVersion, job.kind], ['batch/v1', 'Job']);
  const [container] = job.spec.template.spec.containers;
  assert.equal(container.securityContext?.privileged, undefined);
  const args: string[] = container.args;
  assert.deepEqual(args.slice(0, 2), ['build', RECIPE]);
  const t = args[args.indexOf('-t') + 1];
  assert.ok(JSON.parse(await matrix('json')).some((row: Record<string, string>) => `architecture:${row.architecture}` === t), t);
  assert.ok((await stat(join(REPO, RECIPE))).isFile());
});
