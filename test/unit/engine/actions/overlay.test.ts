import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staysInside } from '../../../../src/engine/actions/overlay.js';
import { errors, files, params } from './check.js';

test('the destination must stay inside the root', () => {
  assert.ok(staysInside('/'));
  assert.ok(staysInside('/etc/../usr'));
  assert.ok(staysInside('etc'));
  assert.ok(!staysInside('../etc'));
  assert.ok(!staysInside('/usr/../../etc'));
  assert.deepEqual(errors({ action: 'overlay', source: 'x', destination: '/a/../../b' }), [
    'destination: overlay action: destination "/a/../../b" leads out of the root filesystem',
  ]);
});

test('source or origin is required', () => {
  assert.deepEqual(errors({ action: 'overlay' }), ["overlay action: one of 'source' or 'origin' is required"]);
  assert.equal(params({ action: 'overlay', origin: 'artifacts' }).origin, 'artifacts');
});

test('the origin must be known', () => {
  assert.deepEqual(errors({ action: 'overlay', origin: 'artifact' }), ['origin: overlay action: unknown origin "artifact" (did you mean "artifacts"?)']);
  assert.equal(params({ action: 'overlay', origin: 'fw', source: 'etc' }, { downloads: ['fw'] }).origin, 'fw');
});

test('only a source from the recipe directory is checked for existence', () => {
  assert.deepEqual(files({ action: 'overlay', source: 'overlays/etc' }), ['source /recipes/overlays/etc any']);
  assert.deepEqual(files({ action: 'overlay', origin: 'recipe' }), ['origin /recipes any']);
  assert.deepEqual(files({ action: 'overlay', origin: 'filesystem', source: 'etc' }), []);
});
