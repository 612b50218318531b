// Artifact names join under the artifact directory, as debos joins them; one that still
// leads out of it is a recipe error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { artifactPath } from '../../../../src/engine/actions/fields.js';
import { AN_IMAGE, errors, params } from './check.js';

test('an absolute name is under the artifact directory', () => {
  assert.equal(artifactPath('/work/out', '/abs/x.tar.gz'), '/work/out/abs/x.tar.gz');
  assert.equal(artifactPath('/work/out', 'x.img'), '/work/out/x.img');
  assert.equal(artifactPath('/work/out', 'a/../b.img'), '/work/out/b.img');
});

test('pack file, image-partition imagename, ostree repository: nothing outside, nor the directory itself', () => {
  const cases = [
    ['file', (name: string) => ({ action: 'pack', file: name })],
    ['imagename', (name: string) => ({ action: 'image-partition', imagename: name, imagesize: '1GB', partitiontype: 'gpt' })],
    ['repository', (name: string) => ({ action: 'ostree-commit', repository: name, branch: 'b' })],
    ['repository', (name: string) => ({ action: 'ostree-deploy', repository: name, branch: 'b', os: 'debian' })],
  ] as const;
  for (const [property, node] of cases) {
    const kind = node('x').action;
    assert.ok(params(node('/abs/x') as never), `${kind}: /abs/x is allowed`);
    assert.ok(params(node('a/../x') as never), `${kind}: a/../x stays inside`);
    for (const bad of ['../x', '/../../x', 'a/../../x']) {
      assert.deepEqual(errors(node(bad)), [`${property}: ${kind} action: ${property} "${bad}" leads out of the artifact directory`], `${kind} ${bad}`);
    }
    assert.deepEqual(errors(node('.')), [`${property}: ${kind} action: ${property} "." names the artifact directory itself, not a file in it`]);
  }
});

test('a download is saved under the last part of its name, which cannot be .. or .', () => {
  const base = { action: 'download', url: 'https://example.org/fw.tar', name: 'fw' } as const;
  assert.ok(params({ ...base, filename: '/abs/fw.tar' }));
  assert.deepEqual(errors({ ...base, filename: 'a/..' }), ['filename: download action: incorrect file name ".." to save the download as']);
});

test('filesystem-deploy needs an image with mountpoints before it', () => {
  assert.deepEqual(errors({ action: 'filesystem-deploy' }), ['filesystem-deploy action: there is no image to deploy into: no image-partition action comes before it']);
  assert.deepEqual(errors({ action: 'filesystem-deploy' }, { image: { ...AN_IMAGE, mountpoints: [] } }), ['filesystem-deploy action: the image disk.img has no mountpoints: nothing to deploy into']);
  const buildtimeOnly = { image: { ...AN_IMAGE, mountpoints: [{ mountpoint: '/mnt', buildtime: true }] } };
  assert.deepEqual(errors({ action: 'filesystem-deploy' }, buildtimeOnly), ['setup-fstab: filesystem-deploy action: the image disk.img has only build-time mountpoints: no /etc/fstab to write']);
  assert.ok(params({ action: 'filesystem-deploy', 'setup-fstab': 'false' }, buildtimeOnly));
});
