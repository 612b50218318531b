// ostree-commit's and ostree-deploy's command lines, as pure functions of the properties:
// the metadata and bindings debos's libostree calls write, the remote, the kernel arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gvariantStrv } from '../../../../src/engine/actions/ostree.js';
import { commitArgv } from '../../../../src/engine/actions/ostree-commit.js';
import { deployArgv, kernelArgs, remoteAddArgv } from '../../../../src/engine/actions/ostree-deploy.js';
import { params } from './check.js';

const commit = (extra: Record<string, unknown> = {}) => commitArgv(params({ action: 'ostree-commit', repository: 'repo', branch: 'os/main', ...extra }), '/art/repo', '/root');
const deploy = (extra: Record<string, unknown> = {}) => params({ action: 'ostree-deploy', repository: 'repo', branch: 'os/main', os: 'debian', ...extra });

test('commit: the branch, no bindings of the tool, the root as the tree', () => {
  assert.deepEqual(commit(), ['commit', '--repo=/art/repo', '--branch=os/main', '--no-bindings', '--tree=dir=/root']);
});

test('commit: subject and metadata strings, keys sorted', () => {
  assert.deepEqual(commit({ subject: 'nightly build', metadata: { version: '1.0', 'vendor.key': 'a=b' } }), [
    'commit',
    '--repo=/art/repo',
    '--branch=os/main',
    '--subject=nightly build',
    '--no-bindings',
    '--add-metadata-string=vendor.key=a=b',
    '--add-metadata-string=version=1.0',
    '--tree=dir=/root',
  ]);
});

test('commit: a collection ID binds the branch unless ref-binding is given', () => {
  const args = (extra: Record<string, unknown>) => commit(extra).filter((a) => a.startsWith('--add-metadata'));
  assert.deepEqual(args({ 'collection-id': 'org.example.Os' }), ["--add-metadata=ostree.ref-binding=['os/main']", '--add-metadata-string=ostree.collection-binding=org.example.Os']);
  assert.deepEqual(args({ 'collection-id': 'org.example.Os', 'ref-binding': ['z', 'a'] }), ["--add-metadata=ostree.ref-binding=['a', 'z']", '--add-metadata-string=ostree.collection-binding=org.example.Os']);
  // Without a collection ID, as debos: only the refs given.
  assert.deepEqual(args({ 'ref-binding': ['b1'] }), ["--add-metadata=ostree.ref-binding=['b1']"]);
});

test('GVariant strings escape quotes and backslashes', () => {
  assert.equal(gvariantStrv(["it's", 'a\\b']), "['it\\'s', 'a\\\\b']");
  assert.equal(gvariantStrv([]), '[]');
});

test('remote: origin without GPG verification, TLS client files and collection ID as given', () => {
  assert.deepEqual(remoteAddArgv(deploy(), '/sys'), ['remote', 'add', '--repo=/sys/ostree/repo', '--no-gpg-verify', 'origin', '']);
  assert.deepEqual(
    remoteAddArgv(deploy({ remote_repository: 'https://example.org/repo', 'tls-client-cert-path': '/c.pem', 'tls-client-key-path': '/k.pem', 'collection-id': 'org.example.Os' }), '/sys'),
    ['remote', 'add', '--repo=/sys/ostree/repo', '--no-gpg-verify', '--set=tls-client-cert-path=/c.pem', '--set=tls-client-key-path=/k.pem', '--collection-id=org.example.Os', 'origin', 'https://example.org/repo'],
  );
});

test('kernel arguments: the image root first, then the appended words in order, repeats kept', () => {
  assert.deepEqual(kernelArgs(deploy({ 'append-kernel-cmdline': 'console=ttyS0  quiet console=tty0' }), 'root=UUID=1234'), ['root=UUID=1234', 'console=ttyS0', 'quiet', 'console=tty0']);
  assert.deepEqual(kernelArgs(deploy({ 'setup-kernel-cmdline': 'false' }), 'root=UUID=1234'), []);
  assert.deepEqual(kernelArgs(deploy(), undefined), [], 'no image, no root');
});

test('deploy: the OS and the branch from origin, each argument appended', () => {
  assert.deepEqual(deployArgv(deploy(), '/sys', ['root=UUID=1234', 'quiet']), ['admin', 'deploy', '--sysroot=/sys', '--os=debian', '--karg-append=root=UUID=1234', '--karg-append=quiet', 'origin:os/main']);
});
