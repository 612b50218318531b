// ostree-commit and ostree-deploy on a FakeMachine: the commands in debos's order, where
// the deployment's fstab goes, the image or the root as the sysroot, and how the layer
// cache may reuse them.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { type DiskImage } from '../../../../src/engine/actions/image/build-images.js';
import { ostreeCommit } from '../../../../src/engine/actions/ostree-commit.js';
import { ostreeDeploy } from '../../../../src/engine/actions/ostree-deploy.js';
import { EventBus } from '../../../../src/core/events.js';
import { StageContext } from '../../../../src/engine/run/stage.js';
import { Workspace } from '../../../../src/engine/workspace/workspace.js';
import { type ExecRequest } from '../../../../src/vm/machine.js';
import { FakeMachine, fakeServices } from '../../../helpers/fake-machine.js';
import { params } from './check.js';
import { tempDir } from './run-action.js';

const COMMIT = 'c0ffee';
const IMAGE: DiskImage = {
  file: '/art/os.img',
  device: { path: '/dev/fake0', bytes: 1 << 30 },
  partitions: [],
  mountDir: '/scratch/mnt',
  mounted: [{ dir: '/scratch/mnt', buildtime: false }],
  fstab: 'UUID=1234\t/\text4\tdefaults\t0\t1\n',
  kernelRoot: 'root=UUID=1234',
};

async function setup(t: Parameters<typeof tempDir>[0], image?: DiskImage) {
  const dir = await tempDir(t);
  const machine = new FakeMachine();
  // What ostree admin deploy leaves in the root: the pulled ref and the deployment.
  machine.script = (req) => {
    if (req.argv.slice(0, 3).join(' ') === 'ostree admin deploy') {
      void machine.files.writeFile('/ostree/repo/refs/remotes/origin/os/main', `${COMMIT}\n`);
      void machine.files.mkdir(`/ostree/deploy/debian/deploy/${COMMIT}.0`);
    }
    return { status: 0 };
  };
  const services = fakeServices(machine, new EventBus(), await Workspace.create(join(dir, 'state'), 'r.yaml'), dir, {});
  if (image) new StageContext(services, 1, dir, 'amd64', 512).setImage(image);
  const ctx = new StageContext(services, 2, dir, 'amd64', 512);
  const execs = () => machine.calls.filter((c) => c.what === 'exec').map((c) => c.detail as ExecRequest);
  return { dir, machine, ctx, execs };
}

const DEPLOY = { action: 'ostree-deploy', repository: 'repo', branch: 'os/main', os: 'debian' } as const;

test('ostree-deploy into the root: the sysroot is the root, the deployment mutable, its fstab kept or made empty', async (t) => {
  const { dir, machine, ctx, execs } = await setup(t);
  await ostreeDeploy.run!(params(DEPLOY), ctx);
  assert.deepEqual(execs().map((r) => r.argv.join(' ')), [
    'ostree admin init-fs /fake-root',
    'ostree admin os-init --sysroot=/fake-root debian',
    'ostree remote add --repo=/fake-root/ostree/repo --no-gpg-verify origin ',
    `ostree pull-local --repo=/fake-root/ostree/repo --remote=origin ${dir}/repo os/main`,
    'ostree admin deploy --sysroot=/fake-root --os=debian origin:os/main',
  ]);
  assert.equal(execs().at(-1)?.env?.OSTREE_SYSROOT_DEBUG, 'mutable-deployments');
  assert.equal(machine.files.files.get(`/ostree/deploy/debian/deploy/${COMMIT}.0/etc/fstab`)?.toString(), '');
  assert.ok(!machine.calls.some((c) => c.what === 'showImageAsRoot'));
});

test('ostree-deploy into an image: the root copied in, the image the root, root=UUID and the image fstab', async (t) => {
  const { machine, ctx, execs } = await setup(t, IMAGE);
  await ostreeDeploy.run!(params({ ...DEPLOY, 'append-kernel-cmdline': 'quiet' }), ctx);
  assert.deepEqual(execs()[0]?.argv, ['cp', '-a', '/fake-root/.', '/scratch/mnt']);
  assert.deepEqual(machine.calls.find((c) => c.what === 'showImageAsRoot')?.detail, '/scratch/mnt');
  const deploy = execs().at(-1)!;
  assert.deepEqual(deploy.argv, ['ostree', 'admin', 'deploy', '--sysroot=/fake-root', '--os=debian', '--karg-append=root=UUID=1234', '--karg-append=quiet', 'origin:os/main']);
  assert.equal(deploy.env?.OSTREE_SYSROOT_DEBUG, undefined, 'immutable in the image, as debos leaves it');
  assert.equal(machine.files.files.get(`/ostree/deploy/debian/deploy/${COMMIT}.0/etc/fstab`)?.toString(), IMAGE.fstab);
  await ostreeDeploy.cleanup!(params(DEPLOY), ctx);
  assert.equal(machine.calls.at(-1)?.detail, undefined, 'cleanup shows the layers again');
});

test('ostree-deploy cache: under the commit its branch names into the root, never into an image', async (t) => {
  const { dir, ctx } = await setup(t);
  const p = params(DEPLOY);
  assert.match(JSON.stringify(await ostreeDeploy.cacheEffect!(p, ctx)), /opaque.*not a ref of the repository/);
  await mkdir(join(dir, 'repo/refs/heads/os'), { recursive: true });
  await writeFile(join(dir, 'repo/refs/heads/os/main'), `${COMMIT}\n`);
  const effect = await ostreeDeploy.cacheEffect!(p, ctx);
  assert.ok(typeof effect === 'object' && 'replay' in effect);
  const before = effect.replay[0]!.digest;
  await writeFile(join(dir, 'repo/refs/heads/os/main'), 'another\n');
  const after = await ostreeDeploy.cacheEffect!(p, ctx);
  assert.ok(typeof after === 'object' && 'replay' in after && after.replay[0]!.digest !== before, 'a new commit on the branch is a new key');
  const { ctx: withImage } = await setup(t, IMAGE);
  assert.match(JSON.stringify(await ostreeDeploy.cacheEffect!(p, withImage)), /opaque.*disk image/);
});

test('ostree-commit: a missing repository is an error that says how to make one; /dev is emptied before the commit', async (t) => {
  const { dir, machine, ctx, execs } = await setup(t);
  const p = params({ action: 'ostree-commit', repository: 'repo', branch: 'os/main' });
  await assert.rejects(ostreeCommit.run!(p, ctx), (e: Error & { hint?: string }) => /repository .*repo does not exist/.test(e.message) && /ostree init --repo=\$ARTIFACTDIR\/repo/.test(e.hint ?? ''));
  await mkdir(join(dir, 'repo'));
  await writeFile(join(dir, 'repo/config'), '[core]\nmode=archive\n');
  const commit = `ostree commit --repo=${dir}/repo --branch=os/main --no-bindings --tree=dir=/fake-root`;
  await ostreeCommit.run!(p, ctx);
  assert.deepEqual(execs().map((r) => r.argv.join(' ')), [commit], 'no /dev, nothing to empty');
  await machine.files.mkdir('/dev');
  await ostreeCommit.run!(p, ctx);
  assert.deepEqual(execs().slice(1).map((r) => r.argv.join(' ')), ['find /fake-root/dev -mindepth 1 -delete', commit]);
});
