// debstep matrix: axes from -t, their combinations, the three output forms, and the
// warning for a -t name the build never reads (a sub-recipe reads only what is passed on).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import yaml from 'js-yaml';
import { combinations, formatMatrix, parseAxes } from '../../../src/cli/matrix-format.js';
import { UsageError } from '../../../src/core/errors.js';
import { debstep, tempDir } from '../../helpers/debstep.js';

const axes = parseAxes(['arch:amd64,arm64', 'suite:bookworm', 'suite:trixie,bookworm']);

test('axes: comma lists, a repeated name adds values once; no axis or no value is a usage error', () => {
  assert.deepEqual([...axes], [['arch', ['amd64', 'arm64']], ['suite', ['bookworm', 'trixie']]]);
  assert.throws(() => parseAxes([]), UsageError);
  assert.throws(() => parseAxes(['arch']), UsageError);
  assert.throws(() => parseAxes([':amd64']), UsageError);
});

test('combinations: the first axis varies slowest', () => {
  assert.deepEqual(combinations(axes), [
    { arch: 'amd64', suite: 'bookworm' }, { arch: 'amd64', suite: 'trixie' },
    { arch: 'arm64', suite: 'bookworm' }, { arch: 'arm64', suite: 'trixie' },
  ]);
});

test('formats: a one-line strategy.matrix, a GitLab parallel:matrix, a JSON list of builds', () => {
  const github = formatMatrix(axes, 'github');
  assert.equal(github, '{"arch":["amd64","arm64"],"suite":["bookworm","trixie"]}\n');
  assert.deepEqual(yaml.load(formatMatrix(axes, 'gitlab')), { parallel: { matrix: [{ arch: ['amd64', 'arm64'], suite: ['bookworm', 'trixie'] }] } });
  assert.deepEqual(JSON.parse(formatMatrix(axes, 'json')), combinations(axes));
});

test('the command checks every combination and warns about a -t name the build does not read', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'sub'));
  // `suite` reaches the sub-recipe through the recipe action's variables; `uid` is read by the
  // sub-recipe but not passed on, so as in debos it never gets there; `flavour` is read by nothing.
  await writeFile(
    join(dir, 'top.yaml'),
    '{{ if eq (or .arch "") "sparc" }}{{ fail "no sparc" }}{{ end }}architecture: {{ or .arch "amd64" }}\nactions:\n  - action: recipe\n    recipe: sub/child.yaml\n    variables:\n      suite: {{ or .suite "x" }}\n',
  );
  await writeFile(join(dir, 'sub/child.yaml'), 'architecture: {{ .architecture }}\nactions:\n  - action: run\n    command: echo {{ .suite }} {{ or .uid "" }}\n');
  const ok = await debstep(['matrix', join(dir, 'top.yaml'), '-t', 'arch:amd64,arm64', '-t', 'suite:bookworm', '-t', 'uid:0,1000', '-t', 'flavour:a,b', '--format', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).length, 8);
  assert.match(ok.stderr, /^warning: the recipe reads no template variable "flavour": every build of that axis would be the same$/m);
  assert.match(ok.stderr, /^warning: the recipe reads no template variable "uid" \(a sub-recipe reads it, but no recipe action passes it on\): every build/m);
  assert.doesNotMatch(ok.stderr, /"(arch|suite)"/);
  const bad = await debstep(['matrix', join(dir, 'top.yaml'), '-t', 'arch:amd64,sparc']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '', 'nothing on stdout when a combination does not check');
  assert.match(bad.stderr, /the build with -t arch:sparc does not check:\n.*no sparc/);
});
