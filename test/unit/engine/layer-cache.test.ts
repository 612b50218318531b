import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CacheEffect, fingerprint, LayerCache } from '../../../src/engine/layer-cache.js';
import { Reuse, type Reusable } from '../../../src/engine/reuse.js';

async function temp(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a fingerprint changes with contents, modes, names and link targets, not with timestamps', async (t) => {
  const dir = await temp(t);
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'sub'), { recursive: true });
  await writeFile(join(tree, 'sub/a'), 'a');
  await symlink('sub/a', join(tree, 'link'));
  const base = await fingerprint(tree);
  assert.equal(await fingerprint(tree), base);
  await writeFile(join(tree, 'sub/a'), 'a');
  assert.equal(await fingerprint(tree), base, 'rewriting the same bytes changes nothing');
  await writeFile(join(tree, 'sub/a'), 'b');
  const contents = await fingerprint(tree);
  assert.notEqual(contents, base);
  await chmod(join(tree, 'sub/a'), 0o755);
  assert.notEqual(await fingerprint(tree), contents);
  await rm(join(tree, 'link'));
  await symlink('sub', join(tree, 'link'));
  assert.notEqual(await fingerprint(tree), contents);
  assert.notEqual(await fingerprint(join(dir, 'missing')), base, 'a missing path is not an empty tree');
});

const step = (index: number, effect: CacheEffect, params = '{}'): Reusable => ({ index, kind: 'run', params, cacheEffect: async () => effect });

test('a published result is found again under the same chain of keys, and only then', async (t) => {
  const cache = new LayerCache(join(await temp(t), 'layers'), '/nonexistent');
  const first = new Reuse(cache, 'amd64', () => false);
  const a = await first.plan(step(1, { replay: ['script v1'] }));
  assert.ok('stored' in a, 'nothing cached yet: run, into a store layer');
  assert.equal(await first.done(a), true, 'published');
  const b = await first.plan(step(2, { replay: [] }));
  assert.ok('stored' in b);
  await first.done(b);

  const again = new Reuse(cache, 'amd64', () => false);
  const a2 = await again.plan(step(1, { replay: ['script v1'] }));
  assert.ok('hit' in a2 && a2.hit.endsWith(a.stored.id), 'the same action on the same root: a hit');
  await again.done(a2);
  assert.ok('hit' in (await again.plan(step(2, { replay: [] }))));

  const changed = new Reuse(cache, 'amd64', () => false);
  const c1 = await changed.plan(step(1, { replay: ['script v2'] }));
  assert.ok('stored' in c1, 'a changed input misses');
  await changed.done(c1);
  assert.ok('stored' in (await changed.plan(step(2, { replay: [] }))), 'and so does everything after it');

  const other = new Reuse(cache, 'arm64', () => false);
  assert.ok('stored' in (await other.plan(step(1, { replay: ['script v1'] }))), 'another architecture misses');
  const params = new Reuse(cache, 'amd64', () => false);
  assert.ok('stored' in (await params.plan(step(1, { replay: ['script v1'] }, '{"chroot":true}'))), 'other properties miss');
});

test('actions that leave the root alone keep the chain; unknown effects, skips and hand edits break it', async (t) => {
  const cache = new LayerCache(join(await temp(t), 'layers'), '/nonexistent');
  const seed = new Reuse(cache, 'amd64', () => false);
  await seed.done(await seed.plan(step(1, { replay: [] })));
  await seed.done(await seed.plan(step(2, 'leaves-root')));
  await seed.done(await seed.plan(step(3, { replay: [] })));

  const r = new Reuse(cache, 'amd64', () => false);
  await r.done(await r.plan(step(1, { replay: [] })));
  assert.deepEqual(await r.plan(step(2, 'leaves-root')), { effect: 'leaves-root' });
  await r.done({ effect: 'leaves-root' });
  assert.ok('hit' in (await r.plan(step(3, { replay: [] }))), 'a pack between them does not matter');

  const u = new Reuse(cache, 'amd64', () => false);
  await u.done(await u.plan(step(1, { replay: [] })));
  await u.done(await u.plan(step(2, 'unknown')));
  assert.deepEqual(await u.plan(step(3, { replay: [] })), { effect: { replay: [] } }, 'after a host command nothing is reused or published');

  let edited = false;
  const h = new Reuse(cache, 'amd64', () => edited);
  const h1 = await h.plan(step(1, { replay: [] }));
  assert.ok('hit' in h1);
  edited = true;
  await h.done(h1);
  assert.deepEqual(await h.plan(step(3, { replay: [] })), { effect: { replay: [] } }, 'a shell at a pause changed the root');

  const s = new Reuse(cache, 'amd64', () => false);
  await s.done(await s.plan(step(1, { replay: [] })));
  s.broken();
  assert.ok('effect' in (await s.plan(step(3, { replay: [] }))));
  s.rewind(1);
  assert.ok('hit' in (await s.plan(step(1, { replay: [] }))), 'rewinding restores the chain of that point');
});

test('prune keeps recent keys and layers that kept workspaces use; older orphans go', async (t) => {
  const root = await temp(t);
  const dir = join(root, 'layers');
  const builds = join(root, 'builds');
  const cache = new LayerCache(dir, builds, 2);
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = new Reuse(cache, `arch${i}`, () => false);
    const p = await r.plan(step(1, { replay: [] }));
    assert.ok('stored' in p);
    ids.push(p.stored.id);
    await r.done(p);
    await new Promise((done) => setTimeout(done, 20));
  }
  const orphan = await cache.create();
  const kept = await cache.create();
  await mkdir(join(builds, 'kept-build', 'layers'), { recursive: true });
  await symlink(kept.upper, join(builds, 'kept-build', 'layers', 'L001'));
  const young = await cache.create();
  // Everything but `young` is older than an hour.
  const old = new Date(Date.now() - 2 * 3600_000);
  for (const l of [...ids.map((id) => ({ id })), orphan, kept]) {
    for (const name of [l.id, `${l.id}.work`]) await utimes(join(dir, 'store', name), old, old).catch(() => {});
  }
  await cache.prune();
  assert.equal((await readdir(join(dir, 'keys'))).length, 2);
  const store = await readdir(join(dir, 'store'));
  assert.ok(!store.includes(ids[0]!) && !store.includes(ids[1]!), 'the least recently used keys lose their layers');
  assert.ok(store.includes(ids[2]!) && store.includes(ids[3]!));
  assert.ok(!store.includes(orphan.id), 'an old layer nothing uses goes');
  assert.ok(store.includes(kept.id), 'a kept workspace still has its layer');
  assert.ok(store.includes(young.id), 'a layer a running build may publish stays');
});

test("an input that cannot be read leaves the action to run and report it", async (t) => {
  const cache = new LayerCache(join(await temp(t), 'layers'), '/nonexistent');
  const r = new Reuse(cache, 'amd64', () => false);
  const failing: Reusable = { index: 1, kind: 'install-deb', params: '{}', cacheEffect: () => Promise.reject(new Error('no package matches debs/*.deb')) };
  assert.deepEqual(await r.plan(failing), { effect: 'unknown' });
});
