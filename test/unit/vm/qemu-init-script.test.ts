import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type GuestPlan, READY_MARK, initScript, shellQuote } from '../../../src/vm/qemu/init-script.js';

const plan: GuestPlan = {
  modules: [
    { name: 'virtio_ring', path: '/.debstep/modules/virtio_ring.ko', required: true, beforeAgent: true },
    { name: 'virtio', path: '/.debstep/modules/virtio.ko', required: true, beforeAgent: true },
    { name: 'crc32c_generic', path: '/.debstep/modules/crc32c_generic.ko', required: false, beforeAgent: false },
    { name: 'ext4', path: '/.debstep/modules/ext4.ko', required: true, beforeAgent: false },
  ],
  mounts: [
    { type: '9p', tag: 'host', path: '/.debstep/host', readOnly: true, cache: 'loose', hostPath: '/' },
    { type: 'bind', source: '/.debstep/host/usr', path: '/usr', hostPath: '/usr' },
    { type: '9p', tag: 'rw1', path: "/work/it's here", readOnly: false, cache: 'mmap', hostPath: "/work/it's here" },
  ],
  msize: 524288,
  agent: { argv: ['/usr/bin/node', '--jitless', '/tmp/vm/agent.cjs', '/tmp/vm/agent.json'], env: { PATH: '/usr/bin:/bin', HOME: '/root', http_proxy: 'http://10.0.2.2:3128' } },
  disks: [{ serial: 'debstep-layers', path: '/ws/layers', options: 'noatime' }],
  tmpfs: ['/scratch'],
  dirs: ['/ws/root'],
  network: { address: '10.0.2.15/24', gateway: '10.0.2.2' },
  binfmt: [':qemu-aarch64:M:0:\\x7f\\x45\\x4c\\x46:\\xff\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:PF'],
};

const script = initScript(plan);
const lines = script.split('\n');
const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));

test('busybox sh accepts the script', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-init-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'init'), script);
  execFileSync('busybox', ['sh', '-n', join(dir, 'init')]);
});

test('modules load in the plan order, required ones fatal, optional ones not', () => {
  const loads = lines.filter((l) => l.startsWith('load '));
  assert.deepEqual(loads, [
    "load virtio_ring '/.debstep/modules/virtio_ring.ko' required",
    "load virtio '/.debstep/modules/virtio.ko' required",
    "load crc32c_generic '/.debstep/modules/crc32c_generic.ko' optional",
    "load ext4 '/.debstep/modules/ext4.ko' required",
  ]);
});

test('the agent starts after the modules it needs and the shares, before the other modules and the disks; ready comes last', () => {
  const agent = lineOf('/tmp/vm/agent.cjs');
  assert.ok(agent > lineOf('share rw1'), 'after the shares');
  assert.ok(lineOf('share host') > lineOf('load virtio '), 'the shares after the modules before the agent');
  assert.ok(agent < lineOf('load crc32c_generic'), 'before the other modules');
  assert.ok(lineOf('load ext4') < lineOf("disk 'debstep-layers'"), 'the disks after their modules');
  assert.match(lines[agent]!, /env -i 'PATH=\/usr\/bin:\/bin' 'HOME=\/root' 'http_proxy=http:\/\/10\.0\.2\.2:3128' '\/usr\/bin\/node' '--jitless'.* &$/);
  const ready = lineOf(`: > ${READY_MARK}`);
  for (const needle of ['disk ', 'mount -t tmpfs', 'mkdir -p \'/ws/root\'', 'ip route add default via 10.0.2.2', 'binfmt_misc/register']) {
    assert.ok(lineOf(needle) !== -1 && lineOf(needle) < ready, `${needle} before the ready mark`);
  }
  assert.ok(lineOf('wait $agent') > ready);
  assert.equal(lines.at(-2), '$BB poweroff -f', 'the VM powers off when the agent ends');
});

test('an agent started from a snapshot is started again without it when node refuses the snapshot, and only then', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-init-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const run = (status: number) => {
    const line = initScript({ ...plan, agent: { argv: ['sh', '-c', `exit ${status}`], withoutSnapshot: ['sh', '-c', 'echo without; exit 3'], env: { PATH: '/usr/bin:/bin' } } })
      .split('\n')
      .find((l) => l.includes('without; exit 3'))!;
    const script = `BB=busybox\nsay() { echo "said: $*"; }\n${line}\nwait $!; echo "status $?"\n`;
    return execFileSync('busybox', ['sh', '-c', script]).toString();
  };
  assert.equal(run(14), "said: node refused the agent's snapshot; starting it without\nwithout\nstatus 3\n");
  assert.equal(run(0), 'status 0\n');
  assert.equal(run(2), 'status 2\n');
  assert.match(script, /'\/usr\/bin\/node' '--jitless' '\/tmp\/vm\/agent.cjs' '\/tmp\/vm\/agent.json' &$/m, 'without a snapshot, the agent alone');
});

test('mounts: 9p with its cache mode and access, binds from the host export, in order', () => {
  assert.ok(lineOf("share host '/.debstep/host' ro,cache=loose '/'") < lineOf("bind '/.debstep/host/usr' '/usr' '/usr'"));
  assert.notEqual(lineOf(`share rw1 '/work/it'\\''s here' rw,cache=mmap`), -1);
  assert.notEqual(lineOf("disk 'debstep-layers' '/ws/layers' 'noatime'"), -1);
});

test('binfmt handlers are registered with their escapes left for the kernel', () => {
  const line = lines.find((l) => l.includes('> /proc/sys/fs/binfmt_misc/register'))!;
  assert.ok(line.includes("printf '%s\\n' ':qemu-aarch64:M:0:\\x7f\\x45\\x4c\\x46:"), line);
});

test('shellQuote survives a round trip through sh', () => {
  for (const s of ["it's", 'a b', '$HOME', '"q"', '\\x7f', '']) {
    assert.equal(execFileSync('busybox', ['sh', '-c', `printf %s ${shellQuote(s)}`]).toString(), s);
  }
});
