// The VM backend needs no root: a plain user boots the guest (TCG, since /dev/kvm is not
// theirs), builds a layered root on a disk image they made, runs chroot commands in it,
// and what the guest writes to a share belongs to them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { qemuProcessesWith } from './vm-helpers.js';

const NOBODY = 65534;
const repo = new URL('../..', import.meta.url).pathname;

/** Whether other users can reach the checkout (a home directory is often 0750). */
async function othersCanRead(path: string): Promise<boolean> {
  for (let dir = path; ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o005) !== 0o005) return false;
    if (dirname(dir) === dir) return true;
  }
}

const skip = process.getuid?.() !== 0 ? 'needs root to switch to another user' : !(await othersCanRead(repo)) ? `other users cannot read ${repo}` : false;
let dir: string | undefined;

after(async () => {
  if (!dir) return;
  assert.deepEqual(qemuProcessesWith(dir), [], 'no QEMU process is left behind');
  await rm(dir, { recursive: true, force: true });
});

test('an unprivileged user boots the VM, builds a root in it and owns what it writes', { skip }, async () => {
  const work = (dir = await mkdtemp('/var/tmp/debstep-vm-user-'));
  for (const d of ['root', 'layers', 'layers/base']) await mkdir(join(work, d));
  for (const d of ['', 'root', 'layers', 'layers/base']) await chown(join(work, d), NOBODY, NOBODY);
  const child = new URL('./vm-as-user.ts', import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, '--import', 'tsx', child, work],
    { cwd: repo, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' }, maxBuffer: 16 << 20 },
  );
  const seen = JSON.parse(stdout.trim().split('\n').at(-1)!) as { statuses: number[]; lines: string[]; hello: string; diagnostics: string[] };
  assert.deepEqual(seen.statuses, [0, 0, 0, 0], seen.lines.join('\n'));
  assert.deepEqual(seen.lines, ['0', 'tmpfs', 'chroot-ok'], 'root inside the guest, scratch in memory, the chroot ran');
  assert.equal(seen.hello, 'x');
  assert.ok(seen.diagnostics.some((d) => /^accel: (KVM|TCG)/.test(d)), seen.diagnostics.join('\n'));
  for (const file of ['out.txt', 'layers.img']) {
    const st = await stat(join(work, file));
    assert.equal(st.uid, NOBODY, `${file} belongs to the user who ran the VM`);
  }
});
