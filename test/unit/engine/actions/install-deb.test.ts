import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors, files, params } from './check.js';

test('packages are required when the origin is a directory', () => {
  assert.deepEqual(errors({ action: 'install-deb' }), ["packages: install-deb action: 'packages' can't be empty when the origin is the recipe directory"]);
  assert.deepEqual(errors({ action: 'install-deb', origin: 'filesystem' }), [
    "packages: install-deb action: 'packages' can't be empty when the origin is the filesystem directory",
  ]);
  assert.deepEqual(params({ action: 'install-deb', origin: 'hello' }, { downloads: ['hello'] }).packages, []);
});

test('the origin must be known', () => {
  assert.deepEqual(errors({ action: 'install-deb', origin: 'helo', packages: ['*.deb'] }, { downloads: ['hello'] }), [
    'origin: install-deb action: unknown origin "helo" (did you mean "hello"?)',
  ]);
});

test('packages named without glob characters must exist in the recipe directory', () => {
  assert.deepEqual(files({ action: 'install-deb', packages: ['debs/*.deb', 'tool_1.0_all.deb', 'x[12].deb'] }), [
    'packages.1 /recipes/tool_1.0_all.deb file',
  ]);
  assert.deepEqual(files({ action: 'install-deb', origin: 'artifacts', packages: ['tool.deb'] }), []);
});
