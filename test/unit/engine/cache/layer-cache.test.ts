import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CacheEffect, fingerprint, type Input, LayerCache, valueInput } from '../../../../src/engine/cache/layer-cache.js';
import { Reuse, type ReusePlan, type Reusable } from '../../../../src/engine/cache/reuse.js';
import { DirLayerStore } from '../../../../src/vm/host/layer-store.js';

async function temp(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A cache over a store directory, with `inUse` as the kept workspaces' store layers. */
function cacheIn(dir: string, inUse: string[] = [], keep?: number) {
  return new LayerCache(join(dir, 'layers'), new DirLayerStore(join(dir, 'layers', 'store')), async () => inUse, keep);
}

const reuse = (cache: LayerCache | undefined, opts: { arch?: string; env?: Record<string, string>; artifacts?: string; own?: string[]; edited?: () => boolean } = {}) =>
  new Reuse(cache, opts.arch ?? 'amd64', opts.env ?? {}, opts.artifacts ?? '/nonexistent', opts.own ?? [], opts.edited ?? (() => false));

const input = (what: string, value: string): Input => valueInput(what, value);
const step = (index: number, effect: CacheEffect, params = '{}', kind = 'run'): Reusable => ({ index, kind, params, cacheEffect: async () => effect });
const replay = (...inputs: Input[]): CacheEffect => ({ replay: inputs });
const ran = (p: ReusePlan) => (p.hit ? undefined : p);
const storedId = (p: ReusePlan) => ran(p)?.publish?.stored?.id;

test('a fingerprint changes with contents, modes, names and link targets, not with timestamps', async (t) => {
  const dir = await temp(t);
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'sub'), { recursive: true });
  await writeFile(join(tree, 'sub/a'), 'a');
  await symlink('sub/a', join(tree, 'link'));
  const base = (await fingerprint(tree, 'tree')).digest;
  assert.equal((await fingerprint(tree, 'tree')).digest, base);
  await writeFile(join(tree, 'sub/a'), 'a');
  assert.equal((await fingerprint(tree, 'tree')).digest, base, 'rewriting the same bytes changes nothing');
  await writeFile(join(tree, 'sub/a'), 'b');
  const contents = (await fingerprint(tree, 'tree')).digest;
  assert.notEqual(contents, base);
  await chmod(join(tree, 'sub/a'), 0o755);
  assert.notEqual((await fingerprint(tree, 'tree')).digest, contents);
  await rm(join(tree, 'link'));
  await symlink('sub', join(tree, 'link'));
  assert.notEqual((await fingerprint(tree, 'tree')).digest, contents);
  assert.notEqual((await fingerprint(join(dir, 'missing'), 'tree')).digest, base, 'a missing path is not an empty tree');
  assert.equal((await fingerprint(tree, 'elsewhere')).digest, (await fingerprint(tree, 'tree')).digest, 'the name does not count');
});

test('a published result is found again under the same chain of keys, and only then', async (t) => {
  const cache = cacheIn(await temp(t));
  const first = reuse(cache);
  const a = await first.plan(step(1, replay(input('script', 'v1'))));
  assert.ok(storedId(a), 'nothing cached yet: run, into a store layer');
  assert.equal(await first.done(1, a), true, 'published');
  const b = await first.plan(step(2, replay()));
  await first.done(2, b);

  const again = reuse(cache);
  const a2 = await again.plan(step(1, replay(input('script', 'v1'))));
  assert.ok(a2.hit === 'layer' && a2.layer.endsWith(storedId(a)!), 'the same action on the same root: a hit');
  await again.done(1, a2);
  assert.equal((await again.plan(step(2, replay()))).hit, 'layer');

  const changed = reuse(cache);
  const c1 = await changed.plan(step(1, replay(input('script', 'v2'))));
  assert.ok(storedId(c1), 'a changed input misses');
  await changed.done(1, c1);
  assert.ok(storedId(await changed.plan(step(2, replay()))), 'and so does everything after it');

  assert.ok(storedId(await reuse(cache, { arch: 'arm64' }).plan(step(1, replay(input('script', 'v1'))))), 'another architecture misses');
  assert.ok(storedId(await reuse(cache, { env: { FOO: 'bar' } }).plan(step(1, replay(input('script', 'v1'))))), 'an -e variable misses');
  assert.ok(storedId(await reuse(cache).plan(step(1, replay(input('script', 'v1')), '{"chroot":true}'))), 'other properties miss');
});

test('actions that leave the root alone keep the chain; unknown effects, skips and hand edits break it', async (t) => {
  const cache = cacheIn(await temp(t));
  const leaves: CacheEffect = { leavesRoot: true, artifacts: [] };
  const seed = reuse(cache);
  await seed.done(1, await seed.plan(step(1, replay())));
  await seed.done(2, await seed.plan(step(2, leaves)));
  await seed.done(3, await seed.plan(step(3, replay())));

  const r = reuse(cache);
  await r.done(1, await r.plan(step(1, replay())));
  const pack = await r.plan(step(2, leaves));
  assert.ok(!pack.hit && !pack.publish, 'a leaves-root action without artifacts always runs, publishing nothing');
  await r.done(2, pack);
  assert.equal((await r.plan(step(3, replay()))).hit, 'layer', 'it does not matter to what comes after it');

  const u = reuse(cache);
  await u.done(1, await u.plan(step(1, replay())));
  await u.done(2, await u.plan(step(2, 'unknown')));
  const after = await u.plan(step(3, replay()));
  assert.ok(!after.hit && !after.publish, 'after an unknown effect nothing is reused or published');
  assert.match(after.why ?? '', /cannot be told from the recipe: action 2 ran a command whose effect cannot be replayed/);

  let edited = false;
  const h = reuse(cache, { edited: () => edited });
  const h1 = await h.plan(step(1, replay()));
  assert.equal(h1.hit, 'layer');
  edited = true;
  await h.done(1, h1);
  assert.match(ran(await h.plan(step(3, replay())))?.why ?? '', /a shell at a pause changed the root/);

  const s = reuse(cache);
  await s.done(1, await s.plan(step(1, replay())));
  s.broken(2);
  assert.match(ran(await s.plan(step(3, replay())))?.why ?? '', /action 2 was skipped/);
  s.rewind(1);
  assert.equal((await s.plan(step(1, replay()))).hit, 'layer', 'rewinding restores the chain of that point');
});

test('an artifact is made again only when it changed or is gone', async (t) => {
  const dir = await temp(t);
  const cache = cacheIn(dir);
  const tarball = join(dir, 'out.tar.gz');
  const pack = step(2, { leavesRoot: true, artifacts: [tarball] }, '{"file":"out.tar.gz"}', 'pack');
  const build = async () => {
    const r = reuse(cache, { artifacts: dir });
    await r.done(1, await r.plan(step(1, replay())));
    const p = await r.plan(pack);
    if (!p.hit) await writeFile(tarball, 'packed');
    await r.done(2, p);
    return p;
  };
  const first = await build();
  assert.ok(!first.hit && first.publish, 'the first pack runs and records its artifact');
  assert.equal((await build()).hit, 'artifacts', 'unchanged: not packed again');
  await writeFile(tarball, 'PACKED');
  const changed = await build();
  assert.match(changed.hit ? '' : changed.why ?? '', /its artifact .*out\.tar\.gz changed since it was made/);
  assert.equal((await build()).hit, 'artifacts', 'the new record is the one checked');
  await rm(tarball);
  const gone = await build();
  assert.match(gone.hit ? '' : gone.why ?? '', /out\.tar\.gz is gone/);

  // The same recipe with another artifact directory: its tarball is not there yet.
  const other = join(dir, 'other');
  await mkdir(other);
  const r = reuse(cache, { artifacts: other });
  await r.done(1, await r.plan(step(1, replay())));
  const elsewhere = await r.plan(step(2, { leavesRoot: true, artifacts: [join(other, 'out.tar.gz')] }, '{"file":"out.tar.gz"}', 'pack'));
  assert.match(elsewhere.hit ? '' : elsewhere.why ?? '', /its artifact .*other\/out\.tar\.gz is gone/);
});

test('an artifact whose manifests are gone, or were never made, is made again', async (t) => {
  const dir = await temp(t);
  const cache = cacheIn(dir);
  const tarball = join(dir, 'out.tar.gz');
  const manifest = `${tarball}.manifest`;
  const build = async (files: string[]) => {
    const r = reuse(cache, { artifacts: dir });
    await r.done(1, await r.plan(step(1, replay())));
    const p = await r.plan(step(2, { leavesRoot: true, artifacts: files }, '{"file":"out.tar.gz"}', 'pack'));
    if (!p.hit) for (const f of files) await writeFile(f, 'made');
    await r.done(2, p);
    return p;
  };
  assert.ok(!(await build([tarball])).hit, 'a first build without manifests (--no-manifest)');
  const later = await build([tarball, manifest]);
  assert.match(later.hit ? '' : later.why ?? '', /its artifact .*out\.tar\.gz\.manifest was not made when it ran/);
  assert.equal((await build([tarball, manifest])).hit, 'artifacts', 'with its manifest recorded: taken as it is');
  assert.equal((await build([tarball])).hit, 'artifacts', '--no-manifest does not ask for the manifest');
  await rm(manifest);
  const gone = await build([tarball, manifest]);
  assert.match(gone.hit ? '' : gone.why ?? '', /out\.tar\.gz\.manifest is gone/);
});

test('a command on the build host is cached with the files it wrote in the artifact directory', async (t) => {
  const dir = await temp(t);
  const artifacts = join(dir, 'artifacts');
  await mkdir(artifacts);
  await writeFile(join(artifacts, 'before'), 'there before');
  const cache = cacheIn(dir);
  const host = step(1, { replay: [], watchArtifacts: true }, '{"command":"make"}');
  const state = join(artifacts, 'state');
  await mkdir(state);
  const build = async (write?: () => Promise<void>) => {
    const r = reuse(cache, { artifacts, own: [state] });
    const p = await r.plan(host);
    // debstep's own files change too, before and while the command runs: they are not its.
    await writeFile(join(state, 'build.log'), `${Date.now()} started\n`);
    await r.beforeRun(p);
    if (!p.hit) await write?.();
    await writeFile(join(state, 'build.log'), `${Date.now()} ended\n`);
    const published = await r.done(1, p);
    return { p, published, next: await r.plan(step(2, replay())) };
  };
  const first = await build(() => writeFile(join(artifacts, 'made'), 'v1'));
  assert.equal(first.published, true);
  const again = await build();
  assert.equal(again.p.hit, 'layer', 'its layer and artifact are as they were');
  await writeFile(join(artifacts, 'made'), 'changed by hand');
  const stale = await build(() => writeFile(join(artifacts, 'made'), 'v1'));
  assert.match(stale.p.hit ? '' : stale.p.why ?? '', /its artifact .*made changed since it was made/);
  assert.equal((await build()).p.hit, 'layer', 'run again, its new record replaced the old one');

  // Another artifact directory (the same recipe in another checkout): the command's file
  // is not there, so the command runs to write it there.
  const elsewhere = join(dir, 'elsewhere');
  await mkdir(elsewhere);
  const moved = await reuse(cache, { artifacts: elsewhere }).plan(host);
  assert.match(moved.hit ? '' : moved.why ?? '', /its artifact .*elsewhere\/made is gone/);

  const remover = step(1, { replay: [], watchArtifacts: true }, '{"command":"rm"}');
  const r = reuse(cache, { artifacts });
  const p = await r.plan(remover);
  await r.beforeRun(p);
  await rm(join(artifacts, 'before'));
  assert.equal(await r.done(1, p), false, 'removing a file cannot be replayed: nothing published');
  assert.match(ran(await r.plan(step(2, replay())))?.why ?? '', /action 1 removed or replaced files in the artifact directory/);
});

test('a miss names what changed: a property, a file of a tree, the action before it', async (t) => {
  const dir = await temp(t);
  const cache = cacheIn(dir);
  const tree = join(dir, 'overlay');
  await mkdir(join(tree, 'etc'), { recursive: true });
  await writeFile(join(tree, 'etc/motd'), 'hello');
  const overlay = async () => step(2, replay(await fingerprint(tree, 'overlay overlays/motd')), '{"destination":"/"}', 'overlay');
  const first = reuse(cache);
  const fresh = await first.plan(step(1, replay(input('mirror', 'http://a/debian')), '{"suite":"bookworm"}', 'debootstrap'));
  assert.match(fresh.hit ? '' : fresh.why ?? '', /nothing is cached for this root yet/);
  await first.done(1, fresh);
  await first.done(2, await first.plan(await overlay()));

  const suite = await reuse(cache).plan(step(1, replay(input('mirror', 'http://a/debian')), '{"suite":"trixie"}', 'debootstrap'));
  assert.match(suite.hit ? '' : suite.why ?? '', /^property "suite" changed$/);
  const mirror = await reuse(cache).plan(step(1, replay(input('mirror', 'http://b/debian')), '{"suite":"bookworm"}', 'debootstrap'));
  assert.match(mirror.hit ? '' : mirror.why ?? '', /^mirror http:\/\/b\/debian is new|mirror .* changed/);

  await writeFile(join(tree, 'etc/motd'), 'changed');
  await writeFile(join(tree, 'etc/issue'), 'new');
  const r = reuse(cache);
  await r.done(1, await r.plan(step(1, replay(input('mirror', 'http://a/debian')), '{"suite":"bookworm"}', 'debootstrap')));
  const o = await r.plan(await overlay());
  assert.equal(o.hit ? '' : o.why, 'overlay overlays/motd: etc/motd changed, etc/issue added');
  await r.done(2, o);
  assert.equal((await r.plan(step(3, replay()))).hit ? '' : ran(await r.plan(step(3, replay())))?.why, 'the root before it changed: action 2 ran');
});

test('prune keeps recent keys and layers that kept workspaces use; older orphans go', async (t) => {
  const root = await temp(t);
  const inUse: string[] = [];
  const cache = cacheIn(root, inUse, 2);
  const store = join(root, 'layers', 'store');
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = reuse(cache, { arch: `arch${i}` });
    const p = await r.plan(step(1, replay()));
    ids.push(storedId(p)!);
    await r.done(1, p);
    await new Promise((done) => setTimeout(done, 20));
  }
  const orphan = (await cache.create())!;
  const kept = (await cache.create())!;
  inUse.push(kept.id);
  const young = (await cache.create())!;
  const keys = join(root, 'layers', 'keys');
  await writeFile(join(keys, 'old-format-link'), '');
  // Another build's entry, being published this moment.
  const publishing = `${'e'.repeat(64)}.json.999-abcd.partial`;
  await writeFile(join(keys, publishing), '{}');
  // Everything but `young` (and the entry being published) is older than an hour.
  const old = new Date(Date.now() - 2 * 3600_000);
  for (const id of [...ids, orphan.id, kept.id]) await utimes(join(store, id), old, old);
  await utimes(join(keys, 'old-format-link'), old, old);
  await cache.prune();
  assert.deepEqual((await readdir(keys)).filter((n) => n.endsWith('.partial')), [publishing], "another build's entry being published stays");
  assert.equal((await readdir(keys)).length, 3, 'two keys kept, and nothing of an older format');
  const left = await readdir(store);
  assert.ok(!left.includes(ids[0]!) && !left.includes(ids[1]!), 'the least recently used keys lose their layers');
  assert.ok(left.includes(ids[2]!) && left.includes(ids[3]!));
  assert.ok(!left.includes(orphan.id) && !left.includes(`${orphan.id}.work`), 'an old layer nothing uses goes, with its work directory');
  assert.ok(left.includes(kept.id), 'a kept workspace still has its layer');
  assert.ok(left.includes(young.id), 'a layer a running build may publish stays');
});

test('a cached layer gone from the store is a miss that says so', async (t) => {
  const dir = await temp(t);
  const cache = cacheIn(dir);
  const r = reuse(cache);
  const p = await r.plan(step(1, replay()));
  await r.done(1, p);
  await rm(join(dir, 'layers', 'store', storedId(p)!), { recursive: true });
  const again = await reuse(cache).plan(step(1, replay()));
  assert.match(again.hit ? '' : again.why ?? '', /its cached result is gone/);
});

test('without a layer store only artifacts are cached', async (t) => {
  const dir = await temp(t);
  const cache = new LayerCache(join(dir, 'layers'), undefined, async () => []);
  const r = reuse(cache);
  const p = await r.plan(step(1, replay()));
  assert.ok(!p.hit && !p.publish && /no layer store/.test(p.why ?? ''));
});

test('an input that cannot be read leaves the action to run and report it', async (t) => {
  const r = reuse(cacheIn(await temp(t)));
  const failing: Reusable = { index: 1, kind: 'install-deb', params: '{}', cacheEffect: () => Promise.reject(new Error('no package matches debs/*.deb')) };
  const p = await r.plan(failing);
  assert.ok(!p.hit && p.effect === 'unknown');
});

test('a command on the build host that writes into its recipe directory is not cached', async (t) => {
  const dir = await temp(t);
  const [artifacts, recipe] = [join(dir, 'artifacts'), join(dir, 'recipe')];
  await mkdir(artifacts);
  await mkdir(recipe);
  const cache = cacheIn(dir);
  const host = step(1, { replay: [], watchArtifacts: true, untouched: [recipe] }, '{"command":"ls > $RECIPEDIR/list"}');
  const r = reuse(cache, { artifacts });
  const p = await r.plan(host);
  await r.beforeRun(p);
  await writeFile(join(recipe, 'list'), 'written by the command');
  assert.equal(await r.done(1, p), false, 'nothing published');
  assert.match(ran(await r.plan(step(2, replay())))?.why ?? '', /action 1 wrote into .*recipe, which the cache cannot replay/);

  const inside = step(1, { replay: [], watchArtifacts: true, untouched: [artifacts] }, '{"command":"touch $ARTIFACTDIR/x"}');
  const s = reuse(cache, { artifacts });
  const q = await s.plan(inside);
  await s.beforeRun(q);
  await writeFile(join(artifacts, 'x'), 'an artifact');
  assert.equal(await s.done(1, q), true, 'a recipe directory that is the artifact directory: writes there are artifacts');
});

test('an opaque action says why it and the actions after it run every time', async (t) => {
  const r = reuse(cacheIn(await temp(t)));
  const image = await r.plan(step(1, { opaque: 'it makes a disk image' }, '{}', 'image-partition'));
  assert.equal(ran(image)?.why, 'it makes a disk image');
  await r.done(1, image);
  assert.equal(ran(await r.plan(step(2, replay())))?.why, 'the root before it cannot be told from the recipe: action 1: it makes a disk image');
});
