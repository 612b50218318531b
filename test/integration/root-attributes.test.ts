// The root directory's own mode and owner: overlayfs shows the top layer's, so each new
// layer must take them from the root below, or a recipe's `chmod` of / is undone at the
// next action.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, tempDir } from '../helpers/debstep.js';

const run = promisify(execFile);

test("a chmod and chown of / in one action lasts through the next actions' layers", async (t) => {
  const dir = await tempDir(t);
  await copyFile(await baseRootTarball(), join(dir, 'base.tar.gz'));
  await writeFile(join(dir, 'r.yaml'), `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
  - action: run
    chroot: true
    command: chmod 0750 / && chown 0:4 /
  - action: run
    chroot: true
    command: touch /etc/after
  - action: pack
    file: out.tar.gz
`);
  const r = await debstep(['build', join(dir, 'r.yaml'), '--backend', 'host', '--artifactdir', dir, '--state-dir', join(dir, 'state')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const { stdout } = await run('tar', ['-tvzf', join(dir, 'out.tar.gz'), '--numeric-owner', './'], { maxBuffer: 1 << 28 });
  assert.match(stdout.split('\n')[0]!, /^drwxr-x--- 0\/4 /);
});
