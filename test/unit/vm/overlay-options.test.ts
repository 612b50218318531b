import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasVolatileOverlay, overlayOptions } from '../../../src/vm/host/host-machine.js';

const layers = { dir: '/ws/layers', upper: 'L003', work: 'work-L003', lowers: ['L002', '/store/abc'] };

test('the root overlay names its layers relative to the layers directory, newest lower first', () => {
  assert.equal(overlayOptions(layers, false), 'lowerdir=L002:/store/abc,upperdir=L003,workdir=work-L003');
});

test('a volatile root overlay drops the syncs that reach its upper layer', () => {
  assert.equal(overlayOptions(layers, true), 'lowerdir=L002:/store/abc,upperdir=L003,workdir=work-L003,volatile');
});

test('overlayfs knows volatile from Linux 5.10 on', () => {
  for (const r of ['6.1.0-57-amd64', '5.10.0-30-amd64', '6.18.44-fc-v1272', '10.0.0']) assert.equal(hasVolatileOverlay(r), true, r);
  for (const r of ['5.4.0-42-generic', '4.19.0-26-amd64', '5.9.16', 'unknown']) assert.equal(hasVolatileOverlay(r), false, r);
});
