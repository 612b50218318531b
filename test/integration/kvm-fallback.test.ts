// A host where /dev/kvm exists but KVM cannot run Linux, stood in for by a fake
// qemu-system-x86_64 earlier on PATH: it runs the real QEMU, but given `-accel kvm` it
// either runs TCG with the guest's CPUs never started (-S: the console prints nothing,
// forever, whatever this host's own KVM does) or fails
// at once as QEMU does on hosts that refuse an MSR. The KVM probe must say so within its
// bound, doctor must say so, auto as root must take the host, a VM left to auto must boot
// again under TCG and finish, and -b kvm must fail with the hint. Each test has its own
// state directory, so no test's kept answer answers for another.
import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { hostKvm, kvmVerdict, runProbe, vmCacheDirOf } from '../../src/vm/qemu/accel-probe.js';
import { chooseKernel } from '../../src/vm/qemu/kernel.js';
import { answerFile, probeKey, readAnswer, writeAnswer } from '../../src/vm/qemu/kvm-probe-cache.js';
import { which } from '../../src/util/which.js';
import { type Result, debstep, tempDir } from '../helpers/debstep.js';
import { qemuProcessesWith } from './vm-helpers.js';

const realQemu = await which('qemu-system-x86_64');
const kernel = await chooseKernel({}).catch(() => undefined);
const skip = !realQemu ? 'no QEMU' : !kernel ? 'no kernel to boot' : process.getuid?.() !== 0 ? 'needs root (auto picks the host only as root)' : false;

// The stand-ins never open the KVM device (the fake QEMU plays KVM with TCG): where this
// host has no usable /dev/kvm, an empty file of the tests' own is the device debstep
// checks (DEBSTEP_KVM_DEVICE), so the fallback is tested on every host.
const realKvm = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false);
const device = realKvm ? '/dev/kvm' : join(mkdtempSync(join(tmpdir(), 'debstep-kvm-device-')), 'kvm');
if (!realKvm) {
  writeFileSync(device, '');
  process.once('exit', () => rmSync(dirname(device), { recursive: true, force: true }));
}
const deviceEnv = realKvm ? {} : { DEBSTEP_KVM_DEVICE: device };
const deviceRe = device.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

type Kind = 'hangs' | 'msr' | 'works-as-tcg';

/** The QEMU command line with KVM played by TCG, so that no stand-in depends on this host's KVM. */
const AS_TCG = `for a in "$@"; do
  case $a in kvm) a=tcg ;; host) a=max ;; esac
  set -- "$@" "$a"; shift
done`;

const WRAPPER: Record<Kind, string> = {
  // KVM "present but hangs": the same QEMU, with its CPUs never started.
  hangs: `${AS_TCG}\nexec "$REAL" "$@" -S`,
  msr: `echo 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x20000c04' >&2
echo "qemu-system-x86_64: ../target/i386/kvm/kvm.c:3170: kvm_buf_set_msrs: Assertion \\\`ret == cpu->kvm_msr_buf->nmsrs' failed." >&2
kill -ABRT $$`,
  // A KVM that works, played by TCG: for the probe's own path to status 33.
  'works-as-tcg': `${AS_TCG}\nexec "$REAL" "$@"`,
};

/** A directory holding the fake qemu-system-x86_64 of `kind`. */
async function fakeQemu(dir: string, kind: Kind): Promise<{ bin: string; qemu: string }> {
  const bin = join(dir, `bin-${kind}`);
  await mkdir(bin, { recursive: true });
  const qemu = join(bin, 'qemu-system-x86_64');
  const script = `#!/bin/sh
REAL=${realQemu}
kvm=no; prev=
for a in "$@"; do [ "$prev" = -accel ] && [ "$a" = kvm ] && kvm=yes; prev=$a; done
[ $kvm = yes ] || exec "$REAL" "$@"
${WRAPPER[kind]}
`;
  await writeFile(qemu, script);
  await chmod(qemu, 0o755);
  return { bin, qemu };
}

const withPath = (bin: string): NodeJS.ProcessEnv => ({ ...process.env, ...deviceEnv, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` });

/** A recipe that needs no root filesystem: one command on the build machine. */
async function tinyRecipe(dir: string): Promise<string> {
  const recipe = join(dir, 'tiny.yaml');
  await writeFile(recipe, 'architecture: amd64\nactions:\n  - action: run\n    chroot: false\n    command: echo hi-from-the-build\n');
  return recipe;
}

const show = (r: Result) => `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** Keeps "KVM works" for the fake QEMU, as a probe that passed earlier this boot would. */
async function keptWorks(stateDir: string, qemu: string): Promise<string> {
  const key = await probeKey(kernel!.image, qemu);
  await writeAnswer(vmCacheDirOf(stateDir), key, { works: true, detail: `the kernel ${kernel!.image} reached its init under KVM in 0.8 s` });
  return answerFile(vmCacheDirOf(stateDir), key);
}

const noQemuLeft = (stateDir: string) => assert.deepEqual(qemuProcessesWith(stateDir), [], 'no QEMU process is left behind');

test('the probe itself boots the kernel to its init and reads status 33 (KVM played by TCG)', { skip, timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t);
  const { qemu } = await fakeQemu(dir, 'works-as-tcg');
  // TCG needs longer than KVM's bound on a busy machine; the path is the same.
  const v = await kvmVerdict({ cacheDir: join(dir, 'cache') }, { ...hostKvm, device, qemu: async () => qemu, probe: (q, k, c) => runProbe(q, k, c, 60_000) });
  assert.equal(v.works, true, v.detail);
  assert.match(v.detail, new RegExp(`^the kernel ${kernel!.image} reached its init under KVM in [\\d.]+ s$`));
  assert.ok(v.savedIn);
});

test('KVM that hangs: the probe says so within its bound, doctor reports it, the second time from the kept answer', { skip, timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t);
  const state = join(dir, 'state');
  const { bin } = await fakeQemu(dir, 'hangs');
  const first = await debstep(['doctor', '--state-dir', state], { env: withPath(bin), cwd: dir });
  const line = first.stdout.split('\n').find((l) => l.includes('] kvm: ')) ?? '';
  assert.match(line, new RegExp(`^  \\[note\\] kvm: ${deviceRe} exists but KVM does not work: the kernel ${kernel!.image} did not reach its init within 8 s under KVM: it hangs \\(probed just now; the answer is kept in ${state}/cache/vm/kvm-probe-\\w+\\.json until the host reboots\\)`), show(first));
  assert.match(first.stdout, /fix: if KVM should work here .*delete .*kvm-probe-\w+\.json to probe again/);
  const second = await debstep(['doctor', '--state-dir', state], { env: withPath(bin), cwd: dir });
  assert.match(second.stdout, new RegExp(`\\] kvm: ${deviceRe} exists but KVM does not work: .*it hangs \\(the answer of a probe earlier this boot, kept in .*kvm-probe-\\w+\\.json\\)`), show(second));
  // The probe's QEMU boots the kernel unpacked into the state directory: it is gone too.
  noQemuLeft(dir);
});

test("KVM that fails at once (an MSR QEMU cannot set): QEMU's own words, in about a second", { skip, timeout: 60_000 }, async (t) => {
  const dir = await tempDir(t);
  const { bin } = await fakeQemu(dir, 'msr');
  const r = await debstep(['doctor', '--state-dir', join(dir, 'state')], { env: withPath(bin), cwd: dir });
  assert.match(r.stdout, new RegExp(`\\] kvm: ${deviceRe} exists but KVM does not work: QEMU could not run the kernel \\S+ under KVM: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x20000c04 \\(probed just now`), show(r));
});

test('auto as root on a host whose KVM hangs builds on the host, and says why', { skip, timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t);
  const { bin } = await fakeQemu(dir, 'hangs');
  const r = await debstep(['build', await tinyRecipe(dir), '--state-dir', join(dir, 'state'), '--artifactdir', dir], { env: withPath(bin), cwd: dir });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stderr, /^checking whether KVM works: booting \S+ under KVM to its init \(8 s at most, once per host boot\)$/m);
  assert.match(r.stdout, /on the host backend \(KVM does not work \(the kernel \S+ did not reach its init within 8 s under KVM: it hangs\); running as root: chroot on the host\)/, show(r));
  assert.match(r.stdout, /hi-from-the-build/);
  noQemuLeft(dir);
});

test('a VM left to auto whose KVM guest stays silent boots again under TCG, finishes, and KVM is not tried again', { skip, timeout: 180_000 }, async (t) => {
  const dir = await tempDir(t);
  const state = join(dir, 'state');
  const { bin, qemu } = await fakeQemu(dir, 'hangs');
  const kept = await keptWorks(state, qemu);
  const r = await debstep(['build', await tinyRecipe(dir), '--backend', 'vm', '--state-dir', state, '--artifactdir', dir], { env: withPath(bin), cwd: dir });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^\[accel\] KVM \(the probe booted this kernel to its init under KVM\)$/m, show(r));
  assert.match(r.stdout, /^\[accel\] the VM under KVM printed nothing on its console within 8 s: booting again under TCG$/m);
  assert.match(r.stdout, /^\[accel\] TCG \(software emulation, much slower\), because KVM does not work: a VM under KVM booting \S+ printed nothing on its console within 8 s$/m);
  assert.match(r.stdout, /hi-from-the-build/);
  // The build's first line comes before the VM boots (when its first action needs it): the
  // KVM it was prepared with, and then the [accel] lines above say why it runs under TCG.
  assert.match(r.stdout, /on the vm backend \(.*a QEMU VM with KVM .*, started when an action first needs it\)/);
  assert.ok(r.stdout.indexOf('booting again under TCG') < r.stdout.indexOf('hi-from-the-build'), 'the action ran in the VM under TCG');
  assert.equal(r.stdout.match(/^\[kernel\] /gm)?.length, 1, 'the second boot repeats only what changed');
  const answer = JSON.parse(await readFile(kept, 'utf8')) as { works: boolean; detail: string };
  assert.equal(answer.works, false, 'the failure is kept for the next build');
  noQemuLeft(dir);

  const next = await debstep(['build', await tinyRecipe(dir), '--backend', 'vm', '--state-dir', state, '--artifactdir', dir], { env: withPath(bin), cwd: dir });
  assert.equal(next.code, 0, show(next));
  assert.match(next.stdout, /^\[accel\] TCG .*because KVM does not work: a VM under KVM booting .*; known since earlier this boot$/m, show(next));
  assert.doesNotMatch(next.stdout, /booting again under TCG/);
  noQemuLeft(dir);
});

test('-b kvm on a host whose KVM hangs fails with status 1, the reason and the hint -b qemu', { skip, timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t);
  const { bin } = await fakeQemu(dir, 'hangs');
  const r = await debstep(['build', await tinyRecipe(dir), '-b', 'kvm', '--state-dir', join(dir, 'state'), '--artifactdir', dir], { env: withPath(bin), cwd: dir });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /^error: KVM was requested but does not work: the kernel \S+ did not reach its init within 8 s under KVM: it hangs$/m, show(r));
  assert.match(r.stderr, /^hint: build with -b qemu /m);
  assert.doesNotMatch(r.stdout, /hi-from-the-build/);
  noQemuLeft(dir);
});

test('-b kvm whose VM stays silent although the probe passed fails with the reason and the hint, and keeps the failure', { skip, timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t);
  const state = join(dir, 'state');
  const { bin, qemu } = await fakeQemu(dir, 'hangs');
  const kept = await keptWorks(state, qemu);
  const r = await debstep(['build', await tinyRecipe(dir), '-b', 'kvm', '--state-dir', state, '--artifactdir', dir], { env: withPath(bin), cwd: dir });
  assert.equal(r.code, 1, show(r));
  // The VM boots when the first action needs it: its failure is that action's.
  assert.match(r.stderr, /^error: Action 'run' failed at stage Run: KVM was requested, but the VM under KVM printed nothing on its console within 8 s$/m, show(r));
  assert.match(r.stderr, /^hint: build with -b qemu /m);
  assert.equal((await readAnswer(vmCacheDirOf(state), await probeKey(kernel!.image, qemu)))?.works, false);
  assert.ok(kept);
  noQemuLeft(dir);
});
