// The layers of src/, bottom to top: core (errors, events, stream types, sizes) and util
// (mechanisms: the process launcher, ptys, buffers); then gotemplate (the Go template
// library) and vm (the machines); then engine; then tui; then cli, which puts them
// together. A module imports only from its own layer and those below it (see the README's
// architecture section), and only util/process.ts starts processes, only util/pty.ts
// loads node-pty.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';

const SRC = join(import.meta.dirname, '../../src');

type Layer = 'core' | 'util' | 'gotemplate' | 'vm' | 'engine' | 'tui' | 'cli';

/** What each layer may import from, besides itself. */
const BELOW: Record<Layer, readonly Layer[]> = {
  core: [],
  util: ['core'],
  gotemplate: [],
  vm: ['core', 'util'],
  engine: ['core', 'util', 'gotemplate', 'vm'],
  tui: ['core', 'util', 'engine'],
  cli: ['core', 'util', 'gotemplate', 'vm', 'engine', 'tui'],
};

/** Only these modules may name these packages. */
const ONLY_IN: readonly { readonly pattern: RegExp; readonly module: string }[] = [
  { pattern: /^(node:)?child_process$/, module: 'util/process.ts' },
  { pattern: /^node-pty$/, module: 'util/pty.ts' },
  { pattern: /^execa$/, module: '(none: util/process.ts starts processes)' },
];

function layerOf(path: string): Layer {
  const top = path.split('/')[0]!;
  if (top === 'cli.ts' || top === 'cli') return 'cli';
  if (top in BELOW) return top as Layer;
  throw new Error(`${path} is in no layer: add its folder to the layers`);
}

/** Every module specifier a file names: imports, re-exports, dynamic imports, requires. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\)\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5])!);
  }
  return found;
}

/** The imports that break the layering, as "from -> to: why". Paths are relative to src/. */
export function violations(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [path, text] of files) {
    const layer = layerOf(path);
    for (const spec of specifiers(text)) {
      if (!spec.startsWith('.')) {
        for (const rule of ONLY_IN) if (rule.pattern.test(spec) && path !== rule.module) out.push(`${path} -> ${spec}: only ${rule.module} may`);
        continue;
      }
      const target = normalize(join(dirname(path), spec));
      if (target.startsWith('..')) {
        out.push(`${path} -> ${spec}: leads out of src/`);
        continue;
      }
      const to = layerOf(target);
      if (to !== layer && !BELOW[layer].includes(to)) out.push(`${path} -> ${target}: ${layer} may not import ${to}`);
      else if (to === 'gotemplate' && layer !== 'gotemplate' && target.replace(/\.js$/, '') !== 'gotemplate/index') {
        out.push(`${path} -> ${target}: the template library's entry is gotemplate/index.ts`);
      }
    }
  }
  return out;
}

function sources(dir: string, files = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // A library's own tests (src/gotemplate/test) are tests, not part of the layers.
    if (entry.isDirectory()) {
      if (entry.name !== 'test') sources(path, files);
    } else if (/\.tsx?$/.test(entry.name)) files.set(relative(SRC, path), readFileSync(path, 'utf8'));
  }
  return files;
}

test('every import in src/ runs down the layers', () => {
  assert.deepEqual(violations(sources(SRC)), []);
});

test('an import that runs up a layer, or around an entry, is found', () => {
  const tree = (path: string, text: string) => new Map([[path, text]]);
  assert.deepEqual(violations(tree('vm/qemu/x.ts', "import { Workspace } from '../../engine/workspace/workspace.js';")), [
    'vm/qemu/x.ts -> engine/workspace/workspace.js: vm may not import engine',
  ]);
  assert.deepEqual(violations(tree('util/x.ts', "import { type Machine } from '../vm/machine.js';")), ['util/x.ts -> vm/machine.js: util may not import vm']);
  assert.deepEqual(violations(tree('core/x.ts', "export { x } from '../util/lines.js';")), ['core/x.ts -> util/lines.js: core may not import util']);
  assert.deepEqual(violations(tree('engine/x.ts', "const m = await import('../tui/debugger.js');")), ['engine/x.ts -> tui/debugger.js: engine may not import tui']);
  assert.deepEqual(violations(tree('gotemplate/x.ts', "import { HostError } from '../core/errors.js';")), ['gotemplate/x.ts -> core/errors.js: gotemplate may not import core']);
  assert.deepEqual(violations(tree('tui/x.ts', "import { HostMachine } from '../vm/host/host-machine.js';")), ['tui/x.ts -> vm/host/host-machine.js: tui may not import vm']);
  assert.deepEqual(violations(tree('engine/x.ts', "import { parse } from '../gotemplate/parser.js';")), [
    "engine/x.ts -> gotemplate/parser.js: the template library's entry is gotemplate/index.ts",
  ]);
  assert.deepEqual(violations(tree('vm/x.ts', "import { spawn } from 'node:child_process';")), ['vm/x.ts -> node:child_process: only util/process.ts may']);
  assert.deepEqual(violations(tree('tui/x.ts', "const pty = createRequire(import.meta.url)('node-pty');")), [
    'tui/x.ts -> node-pty: only util/pty.ts may',
  ]);
  assert.deepEqual(violations(tree('cli/x.ts', "import { HostMachine } from '../vm/host/host-machine.js';\nimport { z } from 'zod';")), []);
  assert.deepEqual(violations(tree('util/process.ts', "import { spawn } from 'node:child_process';")), []);
});

test('no module outside the template library is over 300 lines', () => {
  const long = [...sources(SRC)].filter(([path, text]) => layerOf(path) !== 'gotemplate' && text.split('\n').length > 301).map(([path]) => path);
  assert.deepEqual(long, []);
});

test('an import of types alone is "import type": "import { type X }" still loads its module', () => {
  // Under verbatimModuleSyntax the module of `import { type X } from 'm'` is loaded: that
  // is how zod once got into the VM agent's bundle, and into every process's start-up.
  const loading = [...sources(SRC)].flatMap(([path, text]) =>
    [...text.matchAll(/^import \{([^}]*)\} from '([^']+)'/gm)]
      .filter((m) => m[1]!.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type ')))
      .map((m) => `${path}: ${m[2]}`),
  );
  assert.deepEqual(loading, []);
});
