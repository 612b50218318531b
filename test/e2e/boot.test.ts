// The README's bootable-image example, built as root on the host, then started with
// debstep boot in a real terminal (tmux): it must reach a login prompt under TCG, take a
// login, show the kernel command line filesystem-deploy wrote, and quit with Ctrl-a x,
// leaving no QEMU behind and the image unchanged.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { debstep, debstepArgv, processesMentioning, REPO, SOURCE_ENV, tempDir } from '../helpers/debstep.js';
import { haveTmux, TmuxSession } from './helpers/tmux.js';

const skip = process.getuid?.() !== 0 ? 'needs root (host backend)' : !haveTmux() ? 'needs tmux' : false;

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

test('the bootable example boots to a login prompt in debstep boot, and Ctrl-a x quits', { skip, timeout: 1_200_000 }, async (t) => {
  const dir = await tempDir(t, 'debstep-e2e-boot-');
  const recipe = join(REPO, 'recipes/bootable-image/bootable-image.yaml');
  const built = await debstep(['build', recipe, '--artifactdir', dir, '--state-dir', join(dir, 'state'), '-t', 'imagesize:1.5GB']);
  assert.equal(built.code, 0, built.stdout + built.stderr);
  const image = join(dir, 'debian-bootable-trixie-amd64.img');
  const before = await sha256(image);

  const tui = TmuxSession.start(`boot-${process.pid}`, debstepArgv(['boot', image, '--state-dir', join(dir, 'state')]), { cwd: dir, env: SOURCE_ENV, columns: 120, rows: 40 });
  t.after(() => tui.kill());
  await tui.waitFor(/\(BIOS\) with (KVM|TCG)/);
  // tmux drops the prompts' trailing spaces.
  await tui.waitFor(/debstep-bootable login:\s*$/m, 600_000);
  tui.line('root');
  await tui.waitFor(/Password:\s*$/m);
  tui.line('root');
  await tui.waitFor(/root@debstep-bootable:~#\s*$/m, 60_000);
  tui.line('cat /proc/cmdline');
  const screen = await tui.waitFor(/console=ttyS0 rw/);
  assert.match(screen, /root=UUID=[0-9a-f-]{36} console=ttyS0/, 'booted with the root filesystem-deploy named');
  tui.keys('C-a');
  tui.keys('x');
  assert.equal(await tui.waitForExit(), 0);
  assert.deepEqual((await processesMentioning(image)).filter((p) => p.includes('qemu-system')), [], 'no QEMU is left');
  assert.equal(await sha256(image), before, 'booting did not change the image');
});
