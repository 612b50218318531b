import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACTION_KINDS, findAction, suggestAction } from '../../../../src/engine/actions/index.js';

const actionsDir = join(import.meta.dirname, '../../../../src/engine/actions');

test('the registry holds every debos action', () => {
  assert.deepEqual([...ACTION_KINDS].sort(), [
    'apt', 'debootstrap', 'download', 'filesystem-deploy', 'image-partition', 'install-deb', 'mmdebstrap',
    'ostree-commit', 'ostree-deploy', 'overlay', 'pack', 'pacman', 'pacstrap', 'raw', 'recipe', 'run', 'unpack',
  ]);
});

test('each kind is looked up to the definition whose schema takes that action', () => {
  for (const kind of ACTION_KINDS) {
    const def = findAction(kind);
    assert.equal(def?.kind, kind);
    const other = ACTION_KINDS.find((k) => k !== kind)!;
    const wrong = def!.schema.safeParse({ action: other });
    assert.ok(!wrong.success && wrong.error.issues.some((i) => i.path[0] === 'action'), kind);
  }
  assert.equal(findAction('nope'), undefined);
});

test('did you mean, over the registry', () => {
  assert.equal(suggestAction('debootsrap'), 'debootstrap');
  assert.equal(suggestAction('image-partiton'), 'image-partition');
  assert.equal(suggestAction('xyzzy'), undefined);
});

test('each action kind has its own file, opening with its YAML documentation', async () => {
  const files = await readdir(actionsDir);
  for (const kind of ACTION_KINDS) {
    assert.ok(files.includes(`${kind}.ts`), kind);
    const text = await readFile(join(actionsDir, `${kind}.ts`), 'utf8');
    assert.match(text, new RegExp(`^/\\*\\*\\n \\* ${kind}: [^]*?\`\`\`yaml\\n \\* - action: ${kind}\\n`), kind);
  }
});

test('actions stay pure: no process launching, no machine implementations', async () => {
  const forbidden = /from '(node:child_process|child_process|execa|[./]*\/vm\/(host|qemu)\/[^']*)'/;
  // Actions that outgrew one file have a folder of modules (image/).
  for (const file of await readdir(actionsDir, { recursive: true })) {
    if (!file.endsWith('.ts')) continue;
    const text = await readFile(join(actionsDir, file), 'utf8');
    assert.doesNotMatch(text, forbidden, file);
    assert.doesNotMatch(text, /^import \{[^}]*\bMachine\b[^}]*\} from '[^']*vm\/machine\.js'/m, `${file} may only import type Machine`);
  }
});
