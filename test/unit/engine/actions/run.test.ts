import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scriptPath } from '../../../../src/engine/actions/run.js';
import { errors, files } from './check.js';

test('chroot and postprocess are mutually exclusive', () => {
  assert.deepEqual(errors({ action: 'run', chroot: 'true', postprocess: 'yes', command: 'x' }), [
    "postprocess: run action: 'chroot' and 'postprocess' are mutually exclusive",
  ]);
});

test('exactly one of script and command', () => {
  assert.deepEqual(errors({ action: 'run', script: 'a.sh', command: 'x' }), ["command: run action: 'script' and 'command' are mutually exclusive"]);
  assert.deepEqual(errors({ action: 'run', chroot: 'true' }), ["run action: one of 'script' or 'command' is required"]);
  assert.deepEqual(errors({ action: 'run', command: '' }), ["run action: one of 'script' or 'command' is required"]);
});

test('the script is the text up to the first space, relative to the recipe, and must be executable', () => {
  assert.equal(scriptPath('scripts/setup.sh --user me'), 'scripts/setup.sh');
  assert.deepEqual(files({ action: 'run', script: 'scripts/setup.sh --user me' }), ['script /recipes/scripts/setup.sh executable']);
  assert.deepEqual(files({ action: 'run', script: '/opt/x.sh' }), ['script /opt/x.sh executable']);
  assert.deepEqual(files({ action: 'run', command: 'true' }), []);
});
