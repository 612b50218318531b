import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type StepView } from '../../../../src/tui/state/build-progress.js';
import { shellBanner } from '../../../../src/tui/view/shell-banner.js';

const place = { chroot: true, rootDir: '/ws/root', workspace: '/ws' };
const failed: StepView = {
  index: 4, kind: 'run', description: 'Check things', where: 'r.yaml:9:5', status: 'failed', attempt: 1,
  command: { id: 1, label: 'run', argv: ['sh', '-c', 'test -f /etc/x'], env: {}, chroot: true, end: { exitStatus: 1, signal: null, durationMs: 3 } },
};

test('after a failure the banner gives the failed command and its exit status first', () => {
  const lines = shellBanner(place, { index: 4, reason: 'failure', error: "Action 'Check things' failed" }, failed);
  assert.equal(lines[0], 'debstep: a shell in the root, with the environment of action 4 (Check things).');
  assert.equal(lines[1], "Action 4 failed: Action 'Check things' failed");
  assert.equal(lines[2], "  failed command (in the root): sh -c 'test -f /etc/x'");
  assert.equal(lines[3], '  exit status: 1');
  assert.match(lines.at(-2) ?? '', /Exit the shell/);
});

test('at a breakpoint it says where the build waits; a host shell says where the root is', () => {
  const lines = shellBanner({ ...place, chroot: false }, { index: 2, reason: 'breakpoint' }, { ...failed, index: 2, status: 'todo', description: 'Two' });
  assert.equal(lines[0], 'debstep: a shell on the build host in the workspace /ws (the root is /ws/root).');
  assert.equal(lines[1], 'The build is paused before action 2 (Two) (breakpoint).');
  assert.ok(!lines.some((l) => l.includes('failed command')));
});
