import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run, scriptPath } from '../../../../src/engine/actions/run.js';
import { runAction, tempDir } from './run-action.js';
import { errors, files, params, warnings } from './check.js';

test('chroot and postprocess are mutually exclusive', () => {
  assert.deepEqual(errors({ action: 'run', chroot: 'true', postprocess: 'yes', command: 'x' }), [
    "postprocess: run action: 'chroot' and 'postprocess' are mutually exclusive",
  ]);
});

test('exactly one of script and command; both is a warning (debos up to 1.1.7 runs the script), an error under --strict', () => {
  const both = "run action: 'script' and 'command' are mutually exclusive: the script runs and the command is ignored, as in debos up to 1.1.7 (newer debos refuses this)";
  assert.deepEqual(errors({ action: 'run', script: 'a.sh', command: 'x' }), [`command: ${both}`]);
  assert.deepEqual(warnings({ action: 'run', script: 'a.sh', command: 'x' }, { lenient: true }), [`command: ${both}`]);
  assert.deepEqual(errors({ action: 'run', chroot: 'true' }), ["run action: one of 'script' or 'command' is required"]);
  assert.deepEqual(errors({ action: 'run', command: '' }), ["run action: one of 'script' or 'command' is required"]);
});

test('the script is the text up to the first space, relative to the recipe, and must be executable', () => {
  assert.equal(scriptPath('scripts/setup.sh --user me'), 'scripts/setup.sh');
  assert.deepEqual(files({ action: 'run', script: 'scripts/setup.sh --user me' }), ['script /recipes/scripts/setup.sh executable']);
  assert.deepEqual(files({ action: 'run', script: '/opt/x.sh' }), ['script /opt/x.sh executable']);
  assert.deepEqual(files({ action: 'run', command: 'true' }), []);
});

test('with both script and command, the script runs and the command does not, as debos up to 1.1.7', async (t) => {
  const dir = await tempDir(t);
  const { inMachine } = await runAction(dir, run, params({ action: 'run', chroot: 'true', script: 'setup.sh --user me', command: 'echo ignored' }, { lenient: true, recipeDir: dir }), { offload: false });
  const argvs = inMachine.map((argv) => argv.join(' '));
  assert.ok(argvs.some((a) => a.includes('/tmp/script/setup.sh --user me')), argvs.join('\n'));
  assert.ok(!argvs.some((a) => a.includes('echo ignored')), argvs.join('\n'));
});
