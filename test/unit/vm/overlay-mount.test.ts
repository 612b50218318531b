import assert from 'node:assert/strict';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasVolatileOverlay, mountOverlay, overlayOptions, shortNames } from '../../../src/vm/host/overlay-mount.js';

const names = { upper: 'L003', work: 'work-L003', lowers: ['L002', '/store/abc'] };

test('the overlay options name the lowers newest first', () => {
  assert.equal(overlayOptions(names, false), 'lowerdir=L002:/store/abc,upperdir=L003,workdir=work-L003');
});

test('a volatile root overlay drops the syncs that reach its upper layer', () => {
  assert.equal(overlayOptions(names, true), 'lowerdir=L002:/store/abc,upperdir=L003,workdir=work-L003,volatile');
});

test('the options of 500 layers (overlayfs stacks no more) fit a page, the most mount(2) takes', () => {
  const options = overlayOptions(shortNames(500), true);
  assert.ok(options.length < 4096, `${options.length} bytes`);
  assert.equal(new Set(shortNames(500).lowers).size, 500);
});

test('the options of 40 layers fit the 256 bytes of fsconfig, for a mount that ignores LIBMOUNT_FORCE_MOUNT2', () => {
  assert.ok(overlayOptions(shortNames(40), true).length <= 256);
});

test('mount is given short links to the layers, in their order, with the classic mount(2) asked for', async () => {
  const layers = { dir: '/ws/layers', upper: 'L003', work: 'work-L003', lowers: ['L002', '/var/lib/debstep/cache/layers/store/abc', 'base'] };
  let seen: { argv: string[]; links: Record<string, string>; env: Readonly<Record<string, string>> } | undefined;
  await mountOverlay(layers, '/ws/root', false, async (argv, cwd, env) => {
    const links: Record<string, string> = {};
    for (const n of ['0', '1', '2', 'u', 'w']) links[n] = await readlink(join(cwd, n));
    seen = { argv, links, env };
  });
  assert.deepEqual(seen?.argv, ['mount', '-t', 'overlay', 'debstep-root', '-o', 'lowerdir=0:1:2,upperdir=u,workdir=w', '/ws/root']);
  assert.deepEqual(seen?.links, { 0: '/ws/layers/L002', 1: '/var/lib/debstep/cache/layers/store/abc', 2: '/ws/layers/base', u: '/ws/layers/L003', w: '/ws/layers/work-L003' });
  assert.deepEqual(seen?.env, { LIBMOUNT_FORCE_MOUNT2: 'always' });
});

test('the links are removed after the mount, also when it fails', async () => {
  let dir = '';
  await assert.rejects(
    mountOverlay({ dir: '/ws', upper: 'u1', work: 'w1', lowers: ['base'] }, '/ws/root', false, async (_argv, cwd) => {
      dir = cwd;
      throw new Error('mount failed');
    }),
    /mount failed/,
  );
  await assert.rejects(readlink(join(dir, 'u')), { code: 'ENOENT' });
});

test('overlayfs knows volatile from Linux 5.10 on', () => {
  for (const r of ['6.1.0-57-amd64', '5.10.0-30-amd64', '6.18.44-fc-v1272', '10.0.0']) assert.equal(hasVolatileOverlay(r), true, r);
  for (const r of ['5.4.0-42-generic', '4.19.0-26-amd64', '5.9.16', 'unknown']) assert.equal(hasVolatileOverlay(r), false, r);
});
