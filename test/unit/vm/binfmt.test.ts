import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type BinfmtEntry, type BinfmtView, diagnoseArch, handles, hostArchitecture, isForeign, parseEntry, probeProgram } from '../../../src/vm/binfmt.js';
import { hostBinfmtView } from '../../../src/vm/host/binfmt-view.js';

const AARCH64 = parseEntry(
  'qemu-aarch64',
  'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n',
);

const view = (over: Partial<BinfmtView> = {}): BinfmtView => ({
  status: 'enabled',
  entries: [AARCH64],
  inRoot: async () => false,
  runProbe: async () => undefined,
  ...over,
});

test('parses a binfmt_misc entry as the kernel prints it', () => {
  assert.equal(AARCH64.enabled, true);
  assert.equal(AARCH64.interpreter, '/usr/libexec/qemu-binfmt/aarch64-binfmt-P');
  assert.equal(AARCH64.flags, 'PF');
  assert.equal(handles(AARCH64, 'arm64'), true);
  assert.equal(handles(AARCH64, 'armhf'), false);
});

test('foreign or native', () => {
  assert.equal(isForeign('arm64', 'amd64'), true);
  assert.equal(isForeign('i386', 'amd64'), false, 'amd64 kernels run i386 without emulation (when they have IA32 support)');
  assert.equal(isForeign('amd64', 'amd64'), false);
});

test('each missing piece is named with the command that fixes it', async () => {
  const cases: [Partial<BinfmtView>, RegExp, RegExp][] = [
    [{ status: undefined }, /binfmt_misc is not mounted/, /^mount -t binfmt_misc binfmt_misc \/proc\/sys\/fs\/binfmt_misc$/],
    [{ status: 'disabled' }, /binfmt_misc is disabled/, /echo 1 > \/proc\/sys\/fs\/binfmt_misc\/status/],
    [{ entries: [] }, /no binfmt_misc handler is registered for arm64 \(aarch64\)/, /apt-get install qemu-user-static binfmt-support/],
    [{ entries: [{ ...AARCH64, enabled: false }] }, /handler qemu-aarch64 for arm64 is disabled/, /^update-binfmts --enable qemu-aarch64$/],
    [{ entries: [{ ...AARCH64, flags: 'P' }] }, /lacks the F flag, and its interpreter .* is not inside the root/, /qemu-user-static/],
    [{ runProbe: async () => 'Exec format error' }, /a trivial arm64 program does not run through qemu-aarch64/, /update-binfmts --display qemu-aarch64/],
  ];
  for (const [over, problem, remedy] of cases) {
    const d = await diagnoseArch('arm64', view(over));
    assert.equal(d.ok, false);
    assert.match(d.problem, problem);
    assert.match(d.remedy ?? '', remedy);
  }
});

test('without the F flag an interpreter inside the root is enough', async () => {
  const entry: BinfmtEntry = { ...AARCH64, flags: 'P', interpreter: '/usr/bin/qemu-aarch64-static' };
  const d = await diagnoseArch('arm64', view({ entries: [entry], inRoot: async (p) => p === '/usr/bin/qemu-aarch64-static' }));
  assert.equal(d.ok, true);
});

test('i386 on an amd64 host: the kernel itself is probed, not binfmt_misc', { skip: hostArchitecture() !== 'amd64' }, async () => {
  const runs = await diagnoseArch('i386', view({ status: undefined, entries: [] }));
  assert.equal(runs.ok, true);
  assert.match(runs.problem, /i386 binaries run natively on this amd64 kernel/);
  const refused = await diagnoseArch('i386', view({ status: undefined, entries: [], runProbe: async () => 'Exec format error' }));
  assert.equal(refused.ok, false);
  assert.match(refused.problem, /this amd64 kernel does not run i386 programs .*ia32_emulation=0\): Exec format error/);
  assert.match(refused.remedy ?? '', /--backend vm/);
});

test('the probe programs are valid ELF executables; the host\'s runs here, i386 runs or is diagnosed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'debstep-probe-'));
  try {
    for (const arch of ['amd64', 'i386', 'arm64', 'armhf', 'riscv64']) {
      const program = probeProgram(arch)!;
      assert.equal(program.subarray(0, 4).toString('latin1'), '\x7fELF', arch);
      if (isForeign(arch)) continue;
      const path = join(dir, arch);
      writeFileSync(path, program);
      chmodSync(path, 0o755);
      const status = spawnSync(path).status;
      if (arch === hostArchitecture()) assert.equal(status, 0, `${arch} probe exits 0`);
      // Some amd64 kernels lack IA32 emulation: then the diagnosis must say so.
      else assert.equal((await diagnoseArch(arch, await hostBinfmtView(async () => false))).ok, status === 0, `${arch} probe exit status ${status}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
