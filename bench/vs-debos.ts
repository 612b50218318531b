// Benchmark (run by hand, as root): the same recipes built by debstep and by debos's own
// binary, on the host backend (debos --disable-fakemachine, debstep --backend host), in
// one run, alternating the two tools so that drift in the mirror's speed hits both.
//
//   node --import tsx bench/vs-debos.ts [rounds] [example] [small] [--from-source|--head]
//
// rounds defaults to 2; the recipes default to both: `example` is the README's
// recipes/debian-example/debian-example.yaml (debootstrap, apt, run in the root, overlay,
// run on the host, pack), `small` is bench/recipes/unpack-run-pack.yaml (unpack a minbase
// tarball, run in the root, overlay, run on the host, pack: no mirror, no packages).
// debstep is a copy of the compiled dist/ taken at the start (others rebuild it meanwhile);
// `--head` exports HEAD and builds it apart from the working tree, so the numbers belong to a
// commit; `--from-source` runs the working tree's src/cli.ts through tsx.
//
// Each round, for each recipe: debos, debstep cold, debos, debstep warm-packages, debstep
// unchanged re-run, debstep after an edit of the last run action.
//   cold           debstep with a fresh --state-dir: no package cache, no layer cache.
//   warm-packages  the same state dir with --no-cache: packages cached, every action runs.
//   re-run         the same state dir, nothing changed: the layer cache answers.
//   edited         the same state dir, a copy of the recipe's directory whose last `run`
//                  command has `&& true` added: only it and what follows (pack) should run.
//   debos          has no cache: every run starts from zero, so it runs twice a round.
//
// debos is not installed as a package (its Recommends pull in systemd-resolved, which
// replaces /etc/resolv.conf); bench/debos-binary.sh unpacks the .deb into
// /var/tmp/debstep-bench/debos and installs only what the binary needs. The mirror is the
// host's (debos 1.1.1's default is hard-coded), passed to both as -t mirror:URL.
//
// Per action: debstep's --events (action-end durationMs, command-end durationMs); for debos
// the arrival time of its `==== action ====` banners, and for its commands small shims on
// debos's PATH (debootstrap, systemd-nspawn, chroot, tar, sh) that log start and end and
// put the PATH back before running the real program, so nothing below them sees a shim.
// The shims cost a few milliseconds per top-level command (about ten per build).
//
// Wall time and the CPU time (user + system) of the whole process tree: on a shared machine
// the CPU time moves much less than the wall clock.
//
// Prints Markdown tables for bench/RESULTS.md; logs, events and results.json stay in
// /var/tmp/debstep-bench/run-<time>/ (artifacts are deleted after each run).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { hostDebianMirror } from '../src/engine/machine/host-mirror.js';

const here = resolve(import.meta.dirname);
const repo = resolve(here, '..');
const BENCH = '/var/tmp/debstep-bench';

// ---- arguments --------------------------------------------------------------------------

const args = process.argv.slice(2);
const fromSource = args.includes('--from-source');
const atHead = args.includes('--head');
const words = args.filter((a) => !a.startsWith('--'));
const rounds = words[0] !== undefined && /^\d+$/.test(words[0]) ? Number(words.shift()) : 2;
const recipeNames = words.length > 0 ? words : ['example', 'small'];
for (const name of recipeNames) {
  if (name !== 'example' && name !== 'small') {
    console.error(`usage: node --import tsx bench/vs-debos.ts [rounds] [example] [small] [--from-source|--head]\nunknown recipe "${name}"`);
    process.exit(2);
  }
}
if (process.getuid?.() !== 0) {
  console.error('vs-debos: run as root (both tools build on the host)');
  process.exit(2);
}

const log = (msg: string) => process.stderr.write(`vs-debos: ${msg}\n`);

// ---- helpers ----------------------------------------------------------------------------

/** rm -rf that never crosses into a mount point left behind by a failed build. */
function remove(path: string): void {
  spawnSync('rm', ['-rf', '--one-file-system', path], { stdio: 'inherit' });
}

function must(argv: string[], what: string, opts: { cwd?: string } = {}): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${argv.join(' ')}`);
  return r.stdout;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number | undefined): string => (ms === undefined ? '–' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));

interface Line {
  /** ms since the process was started */
  readonly t: number;
  readonly text: string;
}

/**
 * Runs argv with stdout and stderr stamped line by line on arrival, into a log file. A
 * shell around it reports the CPU time (user + system) of the whole process tree on fd 3:
 * on a machine shared with other work it varies much less than the wall clock.
 */
function runLogged(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): Promise<{ ms: number; cpuMs: number; startEpoch: number; status: number | null; lines: Line[] }> {
  return new Promise((done, fail) => {
    const out = createWriteStream(opts.logFile);
    const lines: Line[] = [];
    const startEpoch = Date.now();
    const t0 = process.hrtime.bigint();
    const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
    // /bin/sh by path: debos's PATH starts with the shims, and the sh shim puts PATH back.
    const child = spawn('/bin/sh', ['-c', '"$@"; rc=$?; times >&3; exit $rc', 'sh', ...argv], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let times = '';
    child.stdio[3]!.on('data', (chunk: Buffer) => (times += chunk.toString('utf8')));
    const partial = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const t = now();
      const parts = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial[stream] = parts.pop()!;
      for (const text of parts) {
        lines.push({ t, text });
        out.write(`+${(t / 1000).toFixed(3)} ${text}\n`);
      }
    };
    child.stdout!.on('data', feed('stdout'));
    child.stderr!.on('data', feed('stderr'));
    child.on('error', fail);
    child.on('close', (status) => {
      const ms = now();
      for (const text of [partial.stdout, partial.stderr]) if (text) lines.push({ t: ms, text });
      // times: the shell's own user and system time, then its children's.
      const children = times.trim().split('\n')[1] ?? '';
      const cpuMs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
      out.end(() => done({ ms, cpuMs, startEpoch, status, lines }));
    });
  });
}

// ---- the two tools ----------------------------------------------------------------------

log('getting the debos binary (bench/debos-binary.sh)');
const debosBin = must(['bash', join(here, 'debos-binary.sh'), join(BENCH, 'debos')], 'bench/debos-binary.sh').trim();
const mirror = await hostDebianMirror();

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
const runDir = join(BENCH, `run-${stamp}`);
mkdirSync(join(runDir, 'logs'), { recursive: true });
log(`logs, events and results in ${runDir}`);

const git = (...a: string[]) => spawnSync('git', ['-C', repo, ...a], { encoding: 'utf8' }).stdout.trim();
const head = git('rev-parse', '--short', 'HEAD');
const dirtySrc = git('status', '--short', '--', 'src').split('\n').filter(Boolean).length;

// --import is resolved from the child's cwd (a temp dir): give tsx by its URL.
const viaTsx = [process.execPath, '--import', import.meta.resolve('tsx'), join(repo, 'src/cli.ts')];
let useTsx = fromSource;
if (!useTsx && !atHead && !existsSync(join(repo, 'dist/cli.js'))) {
  log('dist/ is missing: npm run build');
  if (spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: ['ignore', 2, 2] }).status !== 0) {
    log('npm run build failed (work in progress in src/?): running src/cli.ts through tsx instead');
    useTsx = true;
  }
}
// Others rebuild dist/ while the bench runs (a rebuild between the cold run and the re-run
// changed the layer cache's keys once), so the bench runs a copy taken now. It lives under
// bench/out/ (ignored by git) so that node still finds the repository's node_modules.
let debstep = viaTsx;
let distBuilt = '';
if (atHead) {
  // --head: HEAD exported and built on its own, untouched by anyone's work in progress.
  const tree = join(runDir, `debstep-${head}`);
  mkdirSync(tree);
  must(['sh', '-c', 'git -C "$1" archive HEAD | tar x -C "$2"', 'sh', repo, tree], 'exporting HEAD');
  symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'));
  log(`building ${head} in ${tree}`);
  must(['npm', 'run', 'build'], `npm run build of ${head}`, { cwd: tree });
  process.on('exit', () => remove(tree));
  debstep = [process.execPath, join(tree, 'bin/debstep.js')];
} else if (!useTsx) {
  const snap = join(repo, 'bench/out', `vs-debos-${stamp}`);
  mkdirSync(snap, { recursive: true });
  must(['cp', '-a', join(repo, 'bin'), join(repo, 'dist'), join(repo, 'package.json'), snap], 'copying dist/');
  process.on('exit', () => remove(snap));
  debstep = [process.execPath, join(snap, 'bin/debstep.js')];
  distBuilt = statSync(join(repo, 'dist/cli.js')).mtime.toISOString().slice(0, 16);
}
const debstepIs = atHead
  ? `HEAD ${head} exported and built by the bench`
  : useTsx
  ? `src/ through tsx at ${head}${dirtySrc ? ` with ${dirtySrc} uncommitted src/ files` : ''}`
  : `dist/ built ${distBuilt}Z, HEAD ${head}${dirtySrc ? `, ${dirtySrc} uncommitted src/ files` : ''}`;
log(`debstep: ${debstepIs}`);
const startedAt = new Date().toISOString().slice(0, 16);
const loadAtStart = loadavg().map((x) => x.toFixed(1)).join(' ');

// Shims that time debos's top-level commands.
const shimDir = join(runDir, 'shims');
const shimLog = join(runDir, 'shims.log');
mkdirSync(shimDir);
const hostPath = process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
for (const name of ['debootstrap', 'systemd-nspawn', 'chroot', 'tar', 'sh']) {
  const real = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8', env: { PATH: hostPath } }).stdout.trim();
  if (!real) continue;
  writeFileSync(
    join(shimDir, name),
    `#!/bin/sh
# vs-debos shim: logs start, end and status of debos's own ${name} calls.
PATH=${sq(hostPath)}; export PATH
s=$(date +%s%N)
${sq(real)} "$@"
rc=$?
e=$(date +%s%N)
printf '%s %s %s %s\\n' "$s" "$e" "$rc" "$(printf '%s ' ${name} "$@" | tr '\\n' ' ')" >> "$VS_DEBOS_SHIMLOG"
exit $rc
`,
  );
  chmodSync(join(shimDir, name), 0o755);
}

// ---- recipes ----------------------------------------------------------------------------

interface BenchRecipe {
  readonly name: string;
  readonly file: string;
  /** The same recipe in a copy of its directory, its last `run` command edited. */
  readonly edited: string;
  readonly vars: readonly string[];
  readonly artifact: string;
  /** a file to put in the artifact directory before each run, as name */
  readonly input?: { readonly path: string; readonly name: string };
}

/** The small recipe's base: a debootstrap minbase root, made once and kept. */
function baseTarball(): string {
  const base = join(BENCH, 'base', 'bookworm-minbase.tar.gz');
  if (existsSync(base)) return base;
  log(`making the small recipe's base tarball ${base} (once)`);
  mkdirSync(join(BENCH, 'base'), { recursive: true });
  const root = join(BENCH, 'base', `root-${process.pid}`);
  remove(root);
  must(['debootstrap', '--variant=minbase', 'bookworm', root, mirror], 'debootstrap for the base tarball');
  must(['tar', 'cf', `${base}.partial`, '--use-compress-program=pigz', '-C', root, '.'], 'tar of the base');
  remove(root);
  renameSync(`${base}.partial`, base);
  return base;
}

/** A copy of the recipe's directory with `&& true` after its last `command:` line (the
 * cache keys hold no paths, so the copy's unchanged actions come from the cache). */
function editedCopy(name: string, file: string): string {
  const dir = join(runDir, `edited-${name}`);
  must(['cp', '-a', dirname(file), dir], 'copying the recipe directory');
  const copy = join(dir, basename(file));
  const lines = readFileSync(copy, 'utf8').split('\n');
  const last = lines.findLastIndex((l) => /^\s+command: /.test(l));
  if (last < 0) throw new Error(`${file} has no command to edit`);
  lines[last] += ' && true';
  writeFileSync(copy, lines.join('\n'));
  return copy;
}

const recipes: BenchRecipe[] = recipeNames.map((name) => {
  const file = name === 'example' ? join(repo, 'recipes/debian-example/debian-example.yaml') : join(here, 'recipes/unpack-run-pack.yaml');
  const edited = editedCopy(name, file);
  return name === 'example'
    ? { name, file, edited, vars: [`mirror:${mirror}`], artifact: 'debian-example-ospack-trixie-amd64.tar.gz' }
    : { name, file, edited, vars: [], artifact: 'unpack-run-pack.tar.gz', input: { path: baseTarball(), name: 'base.tar.gz' } };
});

// ---- one run ----------------------------------------------------------------------------

type Mode = 'debos' | 'cold' | 'warm' | 'rerun' | 'edited';
const MODE_LABEL: Record<Mode, string> = {
  debos: 'debos --disable-fakemachine',
  cold: 'debstep cold (fresh state dir)',
  warm: 'debstep warm packages, --no-cache',
  rerun: 'debstep unchanged re-run',
  edited: 'debstep after editing the last run action',
};

interface ActionTime {
  readonly name: string;
  readonly ms: number;
  readonly cached?: boolean;
}
interface CommandTime {
  /** index of the action (0-based) it ran in */
  readonly action: number;
  readonly what: string;
  readonly ms: number;
}
interface Result {
  readonly recipe: string;
  readonly round: number;
  readonly mode: Mode;
  readonly ms: number;
  /** CPU time, user + system, of the whole process tree */
  readonly cpuMs: number;
  readonly actions: ActionTime[];
  /** before the first action, between actions (debstep's layers and cache), after the last */
  readonly before: number;
  readonly between?: number;
  readonly after: number;
  readonly commands: CommandTime[];
  readonly entries: number;
  readonly bytes: number;
  readonly log: string;
  /** sorted entry names of the artifact, kept for the comparison (not written to JSON) */
  names?: string[];
}

/** A command line with the scratch root, artifact and state dirs by name (results.json keeps it whole). */
function shorten(text: string, dirs: { root?: RegExp; art: string; state?: string }): string {
  let s = text;
  if (dirs.root) s = s.replace(dirs.root, '<root>');
  s = s.split(dirs.art).join('<artifacts>');
  if (dirs.state) s = s.split(dirs.state).join('<state>');
  s = s.split(repo).join('.');
  s = s.split(mirror).join('<mirror>'); // the tables go into docs, which name no mirror
  return s.replace(/\s+/g, ' ').trim();
}

function debosSplit(r: { ms: number; startEpoch: number; lines: Line[] }, art: string) {
  const banners = r.lines
    .map((l) => ({ t: l.t, m: /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d ==== (.*) ====$/.exec(l.text) }))
    .filter((b): b is { t: number; m: RegExpExecArray } => b.m !== null)
    .map((b) => ({ t: b.t, name: b.m[1]! }));
  const done = banners.findIndex((b) => b.name === 'Recipe done');
  const acts = banners.slice(0, done < 0 ? banners.length : done);
  const end = done < 0 ? r.ms : banners[done]!.t;
  const actions = acts.map((b, i) => ({ name: b.name, ms: (acts[i + 1]?.t ?? end) - b.t }));
  const commands: CommandTime[] = [];
  const text = existsSync(shimLog) ? readFileSync(shimLog, 'utf8') : '';
  writeFileSync(shimLog, '');
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+) (\d+) (.*)$/.exec(line);
    if (!m) continue;
    // debos runs one command at a time and prints the next banner after the last command
    // ended, so a command belongs to the last banner that arrived before it ended.
    const ended = Number(BigInt(m[2]!) / 1_000_000n) - r.startEpoch;
    const ms = Number(BigInt(m[2]!) - BigInt(m[1]!)) / 1e6;
    let what = m[4]!;
    // systemd-nspawn … -D <root> CMD: show the command it ran in the root.
    const nspawn = /^systemd-nspawn .* -D \S+ (.*)$/.exec(what);
    if (nspawn) what = `nspawn: ${nspawn[1]}`;
    if (m[3] !== '0') what += ` (exit ${m[3]})`;
    let action = 0;
    for (let i = 0; i < acts.length; i++) if (acts[i]!.t <= ended) action = i;
    commands.push({ action, what: shorten(what, { root: /\S*\/\.debos-\d+\/root/g, art }), ms });
  }
  return { actions, before: acts[0]?.t ?? r.ms, after: r.ms - end, commands };
}

interface Ev {
  type: string;
  ts: number;
  index?: number;
  id?: number;
  description?: string;
  cached?: boolean;
  durationMs?: number;
  argv?: string[];
  chroot?: boolean;
  label?: string;
}

function debstepSplit(r: { ms: number; startEpoch: number }, eventsFile: string, art: string, state: string) {
  const events = readFileSync(eventsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Ev);
  const start = events.find((e) => e.type === 'build-start');
  const end = events.find((e) => e.type === 'build-end');
  if (!start || !end) throw new Error(`${eventsFile}: no build-start or build-end event`);
  const order: number[] = [];
  const byIndex = new Map<number, { name: string; ms: number; cached?: boolean }>();
  const cmds = new Map<number, { action: number; what: string }>();
  const commands: CommandTime[] = [];
  for (const e of events) {
    if (e.type === 'action-start' && e.index !== undefined) {
      if (!byIndex.has(e.index)) order.push(e.index);
      byIndex.set(e.index, { name: e.description ?? '', ms: 0, ...(e.cached ? { cached: true } : {}) });
    } else if (e.type === 'action-end' && e.index !== undefined) {
      byIndex.get(e.index)!.ms = e.durationMs ?? 0;
    } else if (e.type === 'command' && e.id !== undefined) {
      const what = `${e.chroot ? 'chroot: ' : ''}${(e.argv ?? []).join(' ')}`;
      cmds.set(e.id, { action: order.indexOf(e.index ?? -1), what: shorten(what, { root: /\S*\/builds\/[^/\s]+\/root/g, art, state }) });
    } else if (e.type === 'command-end' && e.id !== undefined) {
      const c = cmds.get(e.id);
      if (c) commands.push({ ...c, ms: e.durationMs ?? 0 });
    }
  }
  const actions = order.map((i) => byIndex.get(i)!);
  const inActions = actions.reduce((a, b) => a + b.ms, 0);
  return {
    actions,
    before: start.ts - r.startEpoch,
    between: end.ts - start.ts - inActions,
    after: r.startEpoch + r.ms - end.ts,
    commands,
  };
}

let runNo = 0;
const results: Result[] = [];

/** `keptArt`: the artifact directory to use and keep (the re-run finds the cold build's tarball there, as a user's would). */
async function runOnce(recipe: BenchRecipe, round: number, mode: Mode, state: string, keptArt?: string): Promise<Result> {
  const n = String(++runNo).padStart(2, '0');
  const work = join(runDir, 'work', n);
  const cwd = join(work, 'cwd');
  const art = keptArt ?? join(work, 'artifacts');
  mkdirSync(cwd, { recursive: true });
  if (!existsSync(art)) {
    mkdirSync(art, { recursive: true });
    if (recipe.input) linkSync(recipe.input.path, join(art, recipe.input.name));
  }
  const logFile = join(runDir, 'logs', `${n}-${recipe.name}-r${round}-${mode}.log`);
  const eventsFile = join(runDir, 'logs', `${n}-${recipe.name}-r${round}-${mode}.events.jsonl`);
  const vars = recipe.vars.flatMap((v) => ['-t', v]);
  const argv =
    mode === 'debos'
      ? [debosBin, '--disable-fakemachine', '--artifactdir', art, ...vars, recipe.file]
      : [...debstep, 'build', '--backend', 'host', '--state-dir', state, '--artifactdir', art, '--events', eventsFile, ...(mode === 'warm' ? ['--no-cache'] : []), ...vars, mode === 'edited' ? recipe.edited : recipe.file];
  const env = mode === 'debos' ? { ...process.env, PATH: `${shimDir}:${hostPath}`, VS_DEBOS_SHIMLOG: shimLog } : process.env;
  writeFileSync(shimLog, '');
  log(`${recipe.name} round ${round}: ${MODE_LABEL[mode]} …`);
  const r = await runLogged(argv, { cwd, env, logFile });
  const artifact = join(art, recipe.artifact);
  if (r.status !== 0 || !existsSync(artifact)) {
    const tail = r.lines.slice(-15).map((l) => `  | ${l.text}`).join('\n');
    throw new Error(`${recipe.name} round ${round} ${mode}: ${r.status !== 0 ? `exit status ${r.status}` : `no artifact ${recipe.artifact}`}\n${tail}\nlog: ${logFile}`);
  }
  const split = mode === 'debos' ? debosSplit(r, art) : debstepSplit(r, eventsFile, art, state);
  const names = must(['sh', '-c', 'tar tzf "$1" | sort', 'sh', artifact], 'listing the artifact').split('\n').filter(Boolean);
  const result: Result = { recipe: recipe.name, round, mode, ms: r.ms, cpuMs: r.cpuMs, ...split, entries: names.length, bytes: statSync(artifact).size, log: logFile, names };
  remove(work);
  log(`  ${(r.ms / 1000).toFixed(1)} s (CPU ${(r.cpuMs / 1000).toFixed(1)} s), ${names.length} entries, ${(result.bytes / 1e6).toFixed(1)} MB`);
  results.push(result);
  writeFileSync(join(runDir, 'results.json'), JSON.stringify(results, (k, v) => (k === 'names' ? undefined : v), 2));
  return result;
}

// ---- the rounds -------------------------------------------------------------------------

const firstNames = new Map<string, { debos?: string[]; cold?: string[] }>();
for (let round = 1; round <= rounds; round++) {
  for (const recipe of recipes) {
    const state = join(runDir, `state-${recipe.name}`);
    remove(state);
    const d1 = await runOnce(recipe, round, 'debos', state);
    const kept = join(runDir, 'work', `artifacts-${recipe.name}-${round}`);
    const cold = await runOnce(recipe, round, 'cold', state, kept);
    await runOnce(recipe, round, 'debos', state);
    await runOnce(recipe, round, 'warm', state);
    await runOnce(recipe, round, 'rerun', state, kept);
    await runOnce(recipe, round, 'edited', state, kept);
    remove(kept);
    if (!firstNames.has(recipe.name)) firstNames.set(recipe.name, { debos: d1.names!, cold: cold.names! });
    for (const r of results) delete r.names;
    remove(state);
  }
}
remove(shimDir);
remove(join(runDir, 'work'));
for (const recipe of recipes) remove(dirname(recipe.edited));

// ---- tables -----------------------------------------------------------------------------

const out: string[] = [];
const p = (s = '') => out.push(s);
const of = (recipe: string, mode: Mode) => results.filter((r) => r.recipe === recipe && r.mode === mode);
const MODES: Mode[] = ['debos', 'cold', 'warm', 'rerun', 'edited'];

p(`debstep: ${debstepIs}; debos: ${debosBin}; ${rounds} round(s) from ${startedAt}Z to ${new Date().toISOString().slice(0, 16)}Z; load average ${loadAtStart} at the start, ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end.`);
p();
p('| recipe | run | wall (s) | median | debstep/debos | of debstep cold | CPU user+sys (s) | median | debstep/debos |');
p('|---|---|---|---|---|---|---|---|---|');
for (const recipe of recipes) {
  const at = (mode: Mode, pick: (r: Result) => number) => median(of(recipe.name, mode).map(pick));
  for (const mode of MODES) {
    const rs = of(recipe.name, mode);
    const [wall, cpu] = [at(mode, (r) => r.ms), at(mode, (r) => r.cpuMs)];
    const ratio = (x: number, d: number) => (mode === 'debos' ? '1.00×' : `${(x / d).toFixed(2)}×`);
    const vsCold = mode === 'cold' || mode === 'debos' ? '' : `${(wall / at('cold', (r) => r.ms)).toFixed(2)}×`;
    const list = (pick: (r: Result) => number) => rs.map((r) => (pick(r) / 1000).toFixed(1)).join(', ');
    p(
      `| ${recipe.name} | ${MODE_LABEL[mode]} | ${list((r) => r.ms)} | ${(wall / 1000).toFixed(1)} | ${ratio(wall, at('debos', (r) => r.ms))} | ${vsCold} | ${list((r) => r.cpuMs)} | ${(cpu / 1000).toFixed(1)} | ${ratio(cpu, at('debos', (r) => r.cpuMs))} |`,
    );
  }
}

for (const recipe of recipes) {
  p();
  p(`Per action, \`${recipe.name}\` (median seconds; debos from its banners' arrival, debstep from its events):`);
  p();
  p(`| action | ${MODES.map((m) => MODE_LABEL[m]).join(' | ')} |`);
  p(`|---|${MODES.map(() => '---').join('|')}|`);
  const names = of(recipe.name, 'debos')[0]!.actions.map((a) => a.name);
  const cell = (mode: Mode, pick: (r: Result) => number | undefined, cachedAt?: number) => {
    const vals = of(recipe.name, mode).map(pick).filter((v): v is number => v !== undefined);
    if (vals.length === 0) return '–';
    const cached = cachedAt !== undefined && of(recipe.name, mode).every((r) => r.actions[cachedAt]?.cached);
    return `${sec(median(vals))}${cached ? ' (cached)' : ''}`;
  };
  names.forEach((name, i) => p(`| ${i + 1}. ${name} | ${MODES.map((m) => cell(m, (r) => r.actions[i]?.ms, i)).join(' | ')} |`));
  p(`| before the first action (start-up, recipe) | ${MODES.map((m) => cell(m, (r) => r.before)).join(' | ')} |`);
  p(`| between actions (layers, cache) | ${MODES.map((m) => cell(m, (r) => r.between)).join(' | ')} |`);
  p(`| after the last action (clean-up, exit) | ${MODES.map((m) => cell(m, (r) => r.after)).join(' | ')} |`);
  p(`| **total (wall)** | ${MODES.map((m) => `**${cell(m, (r) => r.ms)}**`).join(' | ')} |`);

  p();
  p(`Commands, \`${recipe.name}\`, round 1 (seconds; debos's through the PATH shims, debstep's from command-end events):`);
  p();
  p('| action | debos (first run) | s | debstep cold | s | warm | re-run |');
  p('|---|---|---|---|---|---|---|');
  const pick = (mode: Mode) => results.find((r) => r.recipe === recipe.name && r.mode === mode && r.round === 1)!;
  const [d, c, w, rr] = [pick('debos'), pick('cold'), pick('warm'), pick('rerun')];
  names.forEach((_, i) => {
    const dc = d.commands.filter((x) => x.action === i);
    const cc = c.commands.filter((x) => x.action === i);
    const wc = w.commands.filter((x) => x.action === i);
    const rc = rr.commands.filter((x) => x.action === i);
    const rows = Math.max(dc.length, cc.length, 1);
    const bar = (s: string) => s.replace(/\|/g, '\\|');
    const cut = (t: string) => (t.length > 110 ? `${t.slice(0, 107)}...` : t);
    const what = (x: CommandTime | undefined) => (x ? `\`${bar(cut(x.what))}\`` : '');
    const time = (x: CommandTime | undefined) => (x ? sec(x.ms) : '');
    for (let k = 0; k < rows; k++) {
      const [dk, ck, wk] = [dc[k], cc[k], wc[k]];
      const rk = rc.find((x) => x.what === ck?.what);
      p(`| ${k === 0 ? i + 1 : ''} | ${what(dk)} | ${time(dk)} | ${what(ck)} | ${time(ck)} | ${time(wk)} | ${time(rk)} |`);
    }
  });
}

p();
p('Artifacts (`tar tzf | sort`):');
p();
p('| recipe | run | entries | size (MB) |');
p('|---|---|---|---|');
for (const recipe of recipes) {
  for (const mode of MODES) {
    const rs = of(recipe.name, mode);
    p(`| ${recipe.name} | ${MODE_LABEL[mode]} | ${[...new Set(rs.map((r) => r.entries))].join(', ')} | ${[...new Set(rs.map((r) => (r.bytes / 1e6).toFixed(1)))].join(', ')} |`);
  }
}
for (const recipe of recipes) {
  const f = firstNames.get(recipe.name);
  if (!f?.debos || !f.cold) continue;
  const inDebstep = new Set(f.cold);
  const inDebos = new Set(f.debos);
  const onlyDebos = f.debos.filter((x) => !inDebstep.has(x));
  const onlyDebstep = f.cold.filter((x) => !inDebos.has(x));
  const show = (xs: string[]) => (xs.length === 0 ? 'none' : `${xs.length}: ${xs.slice(0, 12).map((x) => `\`${x}\``).join(', ')}${xs.length > 12 ? ', …' : ''}`);
  p();
  p(`\`${recipe.name}\`, round 1, only in debos's tarball: ${show(onlyDebos)}`);
  p();
  p(`\`${recipe.name}\`, round 1, only in debstep's (cold) tarball: ${show(onlyDebstep)}`);
}

const text = out.join('\n') + '\n';
writeFileSync(join(runDir, 'tables.md'), text);
process.stdout.write(text);
log(`tables also in ${join(runDir, 'tables.md')}`);
