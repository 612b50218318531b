import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';

const fixture = fileURLToPath(new URL('../../fixtures/tui/draw-under-ci.ts', import.meta.url));

test('with CI set, the debugger still draws frames, and commands still see CI', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, CI: 'true', CONTINUOUS_INTEGRATION: 'true' },
  });
  assert.deepEqual(JSON.parse(stdout), { drawn: true, ci: 'true' });
});
