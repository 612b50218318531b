// The files actions name, which the loader checks for existence, resolved against the recipe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AN_IMAGE, errors, files } from './check.js';

test('debootstrap: keyring file, certificate and private key', () => {
  assert.deepEqual(files({ action: 'debootstrap', suite: 's', 'keyring-file': 'k.gpg', certificate: '/etc/c.pem', 'private-key': '../p.key' }), [
    'keyring-file /recipes/k.gpg file',
    'certificate /etc/c.pem file',
    'private-key /p.key file',
  ]);
  assert.deepEqual(files({ action: 'debootstrap', suite: 's' }), []);
});

test('mmdebstrap: keyring files', () => {
  assert.deepEqual(files({ action: 'mmdebstrap', suite: 's', 'keyring-files': ['a.gpg', 'b.gpg'] }), [
    'keyring-files.0 /recipes/a.gpg file',
    'keyring-files.1 /recipes/b.gpg file',
  ]);
});

test('pacstrap: config and mirror list, both required', () => {
  assert.deepEqual(files({ action: 'pacstrap', config: 'pacman.conf', mirror: 'mirrorlist' }), [
    'config /recipes/pacman.conf file',
    'mirror /recipes/mirrorlist file',
  ]);
  assert.deepEqual(errors({ action: 'pacstrap', config: 'pacman.conf' }), ['mirror: missing required property "mirror" in pacstrap action']);
});

test('recipe: the sub-recipe', () => {
  assert.deepEqual(files({ action: 'recipe', recipe: 'sub/base.yaml', variables: { a: '1' } }), ['recipe /recipes/sub/base.yaml file']);
  assert.deepEqual(errors({ action: 'recipe', recipe: 'x.yaml', variables: ['a'] }), [
    'variables: "variables" in recipe action: expected a mapping of strings, got a list',
  ]);
});

test('ostree actions need their repository and branch', () => {
  assert.deepEqual(errors({ action: 'ostree-commit', branch: 'b' }), ['repository: missing required property "repository" in ostree-commit action']);
  assert.deepEqual(errors({ action: 'ostree-deploy', repository: 'r', branch: 'b' }), ['os: missing required property "os" in ostree-deploy action']);
});

test('raw and unpack join an absolute source to its origin, as debos does; overlay keeps it absolute, as debos main does', () => {
  assert.deepEqual(files({ action: 'raw', source: '/u-boot/u-boot-rockchip.bin', partition: 'boot' }, { image: AN_IMAGE }), ['source /recipes/u-boot/u-boot-rockchip.bin file']);
  assert.deepEqual(files({ action: 'overlay', source: '/overlays/etc' }), ['source /overlays/etc any']);
  assert.deepEqual(files({ action: 'unpack', origin: 'recipe', file: '/base.tar.gz' }), ['file /recipes/base.tar.gz file']);
});
