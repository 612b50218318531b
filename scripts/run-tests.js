#!/usr/bin/env node
// Runs the test suites with Node's built-in runner and tsx.
// Usage: node scripts/run-tests.js [unit|integration|e2e|hosts|container]... [-- extra node --test flags]
// With no suite named, runs unit first (fast), then the integration, end-to-end and hosts
// files together: the VM's and the end-to-end ones in a lane beside the host's, and the
// hosts suite (fresh Debian roots, mostly waiting on apt and dpkg) in a third. The container
// suite (npm run test:container: builds the image, minutes) runs only when named. The
// failed tests, with their errors, are listed again at the end, where a long log's tail
// shows them.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';

const all = ['unit', 'integration', 'e2e', 'hosts'];
// Libraries inside src/ keep their tests beside them (src/gotemplate/test); they run with the unit suite.
const besideCode = { unit: [join('src', 'gotemplate', 'test')] };
const named = [...all, 'container'];
const dash = process.argv.indexOf('--');
const args = dash === -1 ? process.argv.slice(2) : process.argv.slice(2, dash);
const extra = dash === -1 ? [] : process.argv.slice(dash + 1);
const suites = args.length ? args : all;

// The VM's files (CPU-bound under TCG) and the host's (mostly waiting on the mirror and the
// disk) run side by side, which takes minutes off the run; no test of one lane looks at what
// the other holds (each has its own state directory, loop devices and QEMU processes, found
// by their paths). The end-to-end files and the arm64 board image (CPU-bound under
// qemu-user) join the VM's lane, the shorter one without them.
const VM_LANE = /^(vm-|kvm-|wild-board\.)/;
const inVmLane = (file) => VM_LANE.test(basename(file)) || file.startsWith(join('test', 'e2e'));
// Files that change the machine for every process (foreign.test.ts disables the qemu-aarch64
// binfmt handler, which a VM booted meanwhile would miss) run alone, before the lanes.
const ALONE = /^foreign\./;
// Suites whose files share the lanes; the others run as one node --test each.
const LANED = ['integration', 'e2e', 'hosts'];

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

/** A failed test as TAP reports it: its "not ok" line and its diagnostics, without the stack. */
const failures = [];

/**
 * Follows one TAP stream and keeps its failed tests in `failures`. A parent whose subtests
 * failed is kept by name only: the subtests carry the errors.
 */
function failureCollector(prefix) {
  let open;
  return (line) => {
    const notOk = /^(\s*)not ok \d+ - /.exec(line);
    if (notOk) {
      open = { indent: notOk[1], lines: [prefix + line.trim()], inStack: false, parent: false };
      return;
    }
    if (!open) return;
    if (line === `${open.indent}  ...`) {
      failures.push(open.parent ? open.lines.slice(0, 1) : open.lines);
      open = undefined;
      return;
    }
    const body = line.slice(open.indent.length + 2);
    if (/^failureType: 'subtestsFailed'/.test(body)) open.parent = true;
    // Keys start at the block's own indentation; stack (and its lines) is left out.
    if (/^\w+:/.test(body)) open.inStack = body.startsWith('stack:');
    if (body === '---' || open.inStack || body.startsWith('duration_ms:') || open.lines.length > 40) return;
    open.lines.push(`    ${body}`);
  };
}

/**
 * Runs `files` with node --test, one file at a time unless `concurrent`; with `prefix`, its
 * output lines are prefixed, so that two lanes read apart in one log. Resolves to success.
 */
function runFiles(files, concurrent, prefix = '') {
  const argv = ['--import', 'tsx', '--test', ...(concurrent ? [] : ['--test-concurrency=1']), ...extra, ...files];
  const child = spawn(process.execPath, argv, { stdio: ['inherit', 'pipe', 'pipe'] });
  const collect = failureCollector(prefix);
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    createInterface({ input: from }).on('line', (line) => {
      to.write(`${prefix}${line}\n`);
      if (from === child.stdout) collect(line);
    });
  }
  return new Promise((done) => child.on('close', (code) => done(code === 0)));
}

/** The files of the laned suites: those that must run alone first, then the three lanes. */
async function runLaned(files) {
  const alone = files.filter((f) => ALONE.test(basename(f)));
  const hosts = files.filter((f) => f.startsWith(join('test', 'hosts')));
  const vm = files.filter((f) => !alone.includes(f) && inVmLane(f));
  const host = files.filter((f) => !alone.includes(f) && !vm.includes(f) && !hosts.includes(f));
  const aloneOk = alone.length === 0 || (await runFiles(alone, false));
  const lanes = await Promise.all(
    [[host, '[host] '], [vm, '[vm] '], [hosts, '[hosts] ']].map(([lane, prefix]) => lane.length === 0 || runFiles(lane, false, prefix)),
  );
  return aloneOk && lanes.every(Boolean);
}

const filesOf = (suite) => [join('test', suite), ...(besideCode[suite] ?? [])].flatMap(testFiles);

const unknown = suites.filter((s) => !named.includes(s));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; expected one of ${named.join(', ')}`);
  process.exit(2);
}

let failed = false;
// Unit tests are independent and fast: their files run concurrently. The others share the
// machine's mounts, loop devices and CPU: one file at a time (in each lane).
for (const phase of [['unit'], LANED, ['container']]) {
  const chosen = phase.filter((s) => suites.includes(s));
  const files = chosen.flatMap(filesOf);
  if (files.length === 0) continue;
  console.log(`# suite: ${chosen.join(' + ')} (${files.length} files)`);
  const ok = phase === LANED ? await runLaned(files) : await runFiles(files, phase[0] === 'unit');
  if (!ok) failed = true;
}
if (failures.length > 0) {
  console.log(`\n# failed (${failures.length}):`);
  for (const lines of failures) console.log(lines.join('\n'));
} else if (failed) {
  console.log('\n# failed: a test process exited with an error outside any test (see above)');
}
process.exit(failed ? 1 : 0);
