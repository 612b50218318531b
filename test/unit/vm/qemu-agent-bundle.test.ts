import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleAgent } from '../../../src/vm/qemu/agent-launch.js';

// The guest agent starts under emulation, where every kilobyte of JavaScript costs: an
// import that loads a module for a type alone (`import { type X }` keeps the module under
// verbatimModuleSyntax) once put zod and the events' schema in it, 800 KB in all.
test("the guest agent's bundle holds no zod and stays small", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'debstep-agent-'));
  try {
    const out = join(dir, 'agent.cjs');
    await bundleAgent(fileURLToPath(new URL('../../../src/vm/qemu/agent.ts', import.meta.url)), out);
    const text = readFileSync(out, 'utf8');
    assert.doesNotMatch(text, /node_modules\/zod\//, 'zod is bundled');
    assert.ok(text.length < 100_000, `the agent bundle is ${text.length} bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
