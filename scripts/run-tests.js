#!/usr/bin/env node
// Runs the test suites with Node's built-in runner and tsx.
// Usage: node scripts/run-tests.js [unit|integration|e2e|container]... [-- extra node --test flags]
// With no suite named, runs unit first (fast), then integration (the VM's files in a lane
// beside the host's), then e2e. The container
// suite (npm run test:container: builds the image, minutes) runs only when named.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';

const all = ['unit', 'integration', 'e2e'];
// Libraries inside src/ keep their tests beside them (src/gotemplate/test); they run with the unit suite.
const besideCode = { unit: [join('src', 'gotemplate', 'test')] };
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

/**
 * Runs `files` with node --test, one file at a time unless `concurrent`; with `prefix`, its
 * output lines are prefixed, so that two lanes read apart in one log. Resolves to success.
 */
function runFiles(files, concurrent, prefix) {
  const argv = ['--import', 'tsx', '--test', ...(concurrent ? [] : ['--test-concurrency=1']), ...extra, ...files];
  const child = spawn(process.execPath, argv, { stdio: prefix ? ['inherit', 'pipe', 'pipe'] : 'inherit' });
  if (prefix) {
    for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      createInterface({ input: from }).on('line', (line) => to.write(`${prefix}${line}\n`));
    }
  }
  return new Promise((done) => child.on('close', (code) => done(code === 0)));
}

// The VM's integration tests (CPU-bound under TCG) and the host's (mostly waiting on the
// mirror and the disk) run side by side, which takes minutes off the suite; no test of one
// lane looks at what the other holds (each has its own state directory, loop devices and
// QEMU processes, found by their paths).
const VM_LANE = /^(vm-|kvm-)/;

let failed = false;
for (const suite of suites) {
  if (!named.includes(suite)) {
    console.error(`unknown suite ${suite}; expected one of ${named.join(', ')}`);
    process.exit(2);
  }
  const files = [join('test', suite), ...(besideCode[suite] ?? [])].flatMap(testFiles);
  if (files.length === 0) continue;
  console.log(`# suite: ${suite} (${files.length} files)`);
  // Unit tests are independent and fast: their files run concurrently. The others share
  // the machine's mounts, loop devices and CPU: one file at a time (in each lane).
  let ok;
  if (suite === 'unit') ok = await runFiles(files, true);
  else if (suite !== 'integration') ok = await runFiles(files, false);
  else {
    const vm = files.filter((f) => VM_LANE.test(basename(f)));
    const host = files.filter((f) => !vm.includes(f));
    const lanes = await Promise.all([runFiles(host, false, '[host] '), runFiles(vm, false, '[vm] ')]);
    ok = lanes.every(Boolean);
  }
  if (!ok) failed = true;
}
process.exit(failed ? 1 : 0);
