// The README's quick start on fresh Debian 12 and 13 machines that have only git: its first
// command, as a new user runs it as root in a clone of this checkout, sets everything up
// (Node.js included) and builds the example image; then doctor and a root of many layers
// (mounted by the release's util-linux: 2.41 on Debian 13). On Debian 13 also the example
// in the VM (its kernel 6.12 and QEMU 10; the guest runs the host's /usr, so its mount) and
// the unit suite, which is what the README's second command runs first; Debian 12 is the
// machine CI itself runs on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball } from '../helpers/base-root.js';
import { REPO } from '../helpers/debstep.js';
import { deepRecipe } from '../helpers/deep-recipe.js';
import { HostRoot, tail } from './host-root.js';

const run = promisify(execFile);
const MINUTE = 60_000;
const DEPTH = 40;

/** The README's first quick-start command on a Debian host, and the artifact its comment names. */
async function quickStart(): Promise<{ command: string; artifact: string }> {
  const readme = await readFile(join(REPO, 'README.md'), 'utf8');
  const m = /^# Set everything up and build the example image \((\S+)\)\n(.+)$/m.exec(readme);
  assert.ok(m, "README.md has no first quick-start command under '# Set everything up and build the example image (FILE)'");
  return { artifact: m[1]!, command: m[2]! };
}

const HOSTS = [
  { suite: 'bookworm', release: /^12\./, node: /^v20\.20\.2$/, vm: false, unit: false },
  { suite: 'trixie', release: /^13\./, node: /^v2\d\./, vm: true, unit: true },
];

for (const host of HOSTS) {
  test(`a fresh Debian ${host.suite} machine with only git: the README's quick start, doctor, ${DEPTH + 1} layers${host.vm ? ', the example in the VM' : ''}${host.unit ? ', the unit suite' : ''}`, { timeout: 60 * MINUTE }, async (t) => {
    const root = await HostRoot.create(host.suite);
    t.after(() => root.dispose());
    assert.match(await readFile(root.path('etc/debian_version'), 'utf8'), host.release);

    const { command, artifact } = await quickStart();
    const quick = await root.sh(command, 30 * MINUTE);
    assert.equal(quick.code, 0, `${command}\n${tail(quick.output)}`);
    assert.match(quick.output, /install-node: (installing|installed|Node\.js .* already installed)/);
    const { stdout: members } = await run('tar', ['-tzf', root.path(`root/debstep/${artifact}`)], { maxBuffer: 1 << 28 });
    for (const member of ['./usr/bin/sudo', './usr/sbin/sshd', './etc/debian_version']) assert.ok(members.split('\n').includes(member), `${artifact} lacks ${member}`);

    const node = await root.sh('node --version', MINUTE);
    assert.match(node.output.trim(), host.node);

    const doctor = await root.sh('./bin/debstep.js doctor', 5 * MINUTE);
    assert.equal(doctor.code, 0, tail(doctor.output));
    assert.match(doctor.output, /^No problems found\.$/m, tail(doctor.output));

    const deep = root.path('root/deep');
    await mkdir(deep);
    await copyFile(await baseRootTarball(), join(deep, 'base.tar.gz'));
    await writeFile(join(deep, 'deep.yaml'), deepRecipe(DEPTH));
    const layered = await root.sh('./bin/debstep.js build --backend host --artifactdir /root/deep /root/deep/deep.yaml', 20 * MINUTE);
    assert.equal(layered.code, 0, tail(layered.output));
    const { stdout } = await run('tar', ['-xzOf', join(deep, 'deep.tar.gz'), `./etc/layer-${DEPTH - 1}`]);
    assert.equal(stdout, `${DEPTH - 1}\n`);

    // Its own state directory: apt in the guest downloads every package through the share.
    if (host.vm) {
      const vm = await root.sh(`mkdir /root/vm && ./bin/debstep.js build --backend vm --state-dir /root/vm/state --artifactdir /root/vm recipes/debian-example/debian-example.yaml`, 30 * MINUTE);
      assert.equal(vm.code, 0, tail(vm.output));
      const { stdout: inVm } = await run('tar', ['-tzf', root.path(`root/vm/${artifact}`)], { maxBuffer: 1 << 28 });
      assert.ok(inVm.split('\n').includes('./usr/bin/sudo'), `${artifact} built in the VM lacks sudo`);
    }

    if (!host.unit) return;
    const unit = await root.sh('node scripts/run-tests.js unit', 20 * MINUTE);
    assert.equal(unit.code, 0, tail(unit.output));
  });
}
