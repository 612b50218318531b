// The defaults of every action, as debos's constructors and documentation give them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AN_IMAGE, params } from './check.js';

test('debootstrap', () => {
  assert.deepEqual(params({ action: 'debootstrap', suite: 'bookworm' }), {
    action: 'debootstrap',
    suite: 'bookworm',
    components: ['main'],
    'merged-usr': true,
    'check-gpg': true,
  });
});

test('mmdebstrap: merged-usr stays unset (the suite decides)', () => {
  assert.deepEqual(params({ action: 'mmdebstrap', suite: 'trixie' }), { action: 'mmdebstrap', suite: 'trixie', components: ['main'] });
});

test('pacstrap', () => {
  assert.deepEqual(params({ action: 'pacstrap', config: 'pacman.conf', mirror: 'mirrorlist' }), {
    action: 'pacstrap',
    config: 'pacman.conf',
    mirror: 'mirrorlist',
    packages: [],
  });
});

test('apt', () => {
  assert.deepEqual(params({ action: 'apt', packages: ['sudo'] }), {
    action: 'apt',
    packages: ['sudo'],
    recommends: false,
    unauthenticated: false,
    update: true,
  });
});

test('pacman', () => {
  assert.deepEqual(params({ action: 'pacman' }), { action: 'pacman', packages: [] });
});

test('install-deb: origin recipe', () => {
  assert.deepEqual(params({ action: 'install-deb', packages: ['*.deb'] }), {
    action: 'install-deb',
    packages: ['*.deb'],
    origin: 'recipe',
    recommends: false,
    unauthenticated: false,
    update: true,
  });
});

test('run', () => {
  assert.deepEqual(params({ action: 'run', command: 'true' }), { action: 'run', command: 'true', chroot: false, postprocess: false });
});

test('overlay: destination /', () => {
  assert.deepEqual(params({ action: 'overlay', source: 'files' }), { action: 'overlay', source: 'files', destination: '/' });
});

test('pack: gz', () => {
  assert.deepEqual(params({ action: 'pack', file: 'root.tar.gz' }), { action: 'pack', file: 'root.tar.gz', compression: 'gz' });
});

test('unpack: origin stays unset, meaning the artifact directory', () => {
  assert.deepEqual(params({ action: 'unpack', file: 'root.tar.gz' }), { action: 'unpack', file: 'root.tar.gz' });
});

test('download: no unpack', () => {
  assert.deepEqual(params({ action: 'download', url: 'https://example.org/a.tgz', name: 'a' }), {
    action: 'download',
    url: 'https://example.org/a.tgz',
    name: 'a',
    unpack: false,
  });
});

test('image-partition: partitions fsck, mountpoints not buildtime', () => {
  const p = params({
    action: 'image-partition',
    imagename: 'x.img',
    imagesize: '1GB',
    partitiontype: 'gpt',
    partitions: [{ name: 'root', fs: 'ext4', start: '0%', end: '100%' }],
    mountpoints: [{ mountpoint: '/', partition: 'root' }],
  });
  assert.deepEqual(p.partitions, [
    { name: 'root', fs: 'ext4', start: '0%', end: '100%', partattrs: [], features: [], extendedoptions: [], flags: [], fsck: true },
  ]);
  assert.deepEqual(p.mountpoints, [{ mountpoint: '/', partition: 'root', options: [], buildtime: false }]);
  assert.deepEqual(params({ action: 'image-partition', imagename: 'x.img', imagesize: '1GB', partitiontype: 'msdos' }), {
    action: 'image-partition',
    imagename: 'x.img',
    imagesize: '1GB',
    partitiontype: 'msdos',
    partitions: [],
    mountpoints: [],
  });
});

test('filesystem-deploy: fstab and kernel cmdline', () => {
  assert.deepEqual(params({ action: 'filesystem-deploy' }, { image: AN_IMAGE }), {
    action: 'filesystem-deploy',
    'setup-fstab': true,
    'setup-kernel-cmdline': true,
  });
});

test('raw: offset 0, origin unset (the recipe directory)', () => {
  assert.deepEqual(params({ action: 'raw', source: 'u-boot.bin' }, { image: AN_IMAGE }), { action: 'raw', source: 'u-boot.bin', offset: '0' });
});

test('recipe: no variables', () => {
  assert.deepEqual(params({ action: 'recipe', recipe: 'base.yaml' }), { action: 'recipe', recipe: 'base.yaml', variables: {} });
});

test('ostree-commit: no metadata', () => {
  assert.deepEqual(params({ action: 'ostree-commit', repository: 'repo', branch: 'b' }), {
    action: 'ostree-commit',
    repository: 'repo',
    branch: 'b',
    metadata: {},
  });
});

test('ostree-deploy: fstab and kernel cmdline', () => {
  assert.deepEqual(params({ action: 'ostree-deploy', repository: 'repo', branch: 'b', os: 'debian' }), {
    action: 'ostree-deploy',
    repository: 'repo',
    branch: 'b',
    os: 'debian',
    'setup-fstab': true,
    'setup-kernel-cmdline': true,
  });
});

test('a null value means unset, so the default applies', () => {
  assert.equal(params({ action: 'debootstrap', suite: 'sid', 'merged-usr': null }, {})['merged-usr'], true);
});
