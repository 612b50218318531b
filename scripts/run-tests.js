#!/usr/bin/env node
// Runs the test suites with Node's built-in runner and tsx.
// Usage: node scripts/run-tests.js [unit|integration|e2e|container]... [-- extra node --test flags]
// With no suite named, runs unit first (fast), then integration, then e2e. The container
// suite (npm run test:container: builds the image, minutes) runs only when named.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const all = ['unit', 'integration', 'e2e'];
const named = [...all, 'container'];
const dash = process.argv.indexOf('--');
const args = dash === -1 ? process.argv.slice(2) : process.argv.slice(2, dash);
const extra = dash === -1 ? [] : process.argv.slice(dash + 1);
const suites = args.length ? args : all;

function testFiles(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(testFiles(path));
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

let failed = false;
for (const suite of suites) {
  if (!named.includes(suite)) {
    console.error(`unknown suite ${suite}; expected one of ${named.join(', ')}`);
    process.exit(2);
  }
  const files = testFiles(join('test', suite));
  if (files.length === 0) continue;
  console.log(`# suite: ${suite} (${files.length} files)`);
  // Unit tests are independent and fast: run files concurrently. Integration and e2e tests
  // share the machine's mounts, loop devices and CPU: one file at a time.
  const concurrency = suite === 'unit' ? [] : ['--test-concurrency=1'];
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', ...concurrency, ...extra, ...files],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
