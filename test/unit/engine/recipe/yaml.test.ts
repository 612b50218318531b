import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecipeError, type SourcePos } from '../../../../src/core/errors.js';
import { parseYaml } from '../../../../src/engine/recipe/yaml.js';

/** Line:col of an offset in text, 1-based, the way the identity template maps them. */
function locator(text: string) {
  return (offset: number): SourcePos => {
    const before = text.slice(0, offset).split('\n');
    return { file: 'x.yaml', line: before.length, col: before.at(-1)!.length + 1 };
  };
}

function parse(text: string) {
  const locate = locator(text);
  const doc = parseYaml(text, locate);
  const at = (root: unknown, path: (string | number)[], part: 'key' | 'value' = 'value') => {
    const pos = locate(doc.offsetOf(root, path, part));
    return `${pos.line}:${pos.col}`;
  };
  return { doc, at };
}

test('plain scalars stay strings, with their source text', () => {
  const { doc } = parse('a: 1.10\nb: yes\nc: 0x1f\nd: "quoted"\ne: [1, true]\n');
  assert.deepEqual(doc.value, { a: '1.10', b: 'yes', c: '0x1f', d: 'quoted', e: ['1', 'true'] });
});

test('~, null and empty values are null; quoted ones are strings', () => {
  const { doc } = parse('a: ~\nb: null\nc:\nd: "~"\ne: NULL\n');
  assert.deepEqual(doc.value, { a: null, b: null, c: null, d: '~', e: null });
});

test('keys, values and list items have their positions', () => {
  const text = 'top: 1\nlist:\n  - first\n  -   second\nmap:\n  inner: value   # comment\n  flow: {x: 1, y: [a, b]}\n';
  const { doc, at } = parse(text);
  const root = doc.value;
  assert.equal(at(root, ['top'], 'key'), '1:1');
  assert.equal(at(root, ['top']), '1:6');
  assert.equal(at(root, ['list', 0]), '3:5');
  assert.equal(at(root, ['list', 1]), '4:7');
  assert.equal(at(root, ['map', 'inner'], 'key'), '6:3');
  assert.equal(at(root, ['map', 'inner']), '6:10');
  assert.equal(at(root, ['map', 'flow', 'y']), '7:19');
  assert.equal(at(root, ['map', 'flow', 'y', 1]), '7:23');
});

test('a path that leaves the document points at the nearest node that exists', () => {
  const { doc, at } = parse('actions:\n  - action: run\n    chroot: true\n');
  const root = doc.value;
  assert.equal(at(root, ['actions', 0, 'script']), '2:5');
  assert.equal(at(root, ['actions', 0, 'chroot', 'deeper']), '3:13');
});

test('an empty value is shown at its key', () => {
  const { doc, at } = parse('a:\nb: 2\n');
  assert.equal(at(doc.value, ['a']), '1:1');
  assert.equal(at(doc.value, ['b']), '2:4');
});

test('anchors and merge keys work, and merged keys point where they were written', () => {
  const text = '.common: &common\n  chroot: yes\n  label: x\nactions:\n  - action: run\n    <<: *common\n    label: mine\n';
  const { doc, at } = parse(text);
  const root = doc.value as { actions: unknown[] };
  assert.deepEqual(root.actions[0], { chroot: 'yes', label: 'mine', action: 'run' });
  assert.equal(at(root, ['actions', 0, 'chroot'], 'key'), '2:3');
  assert.equal(at(root, ['actions', 0, 'label']), '7:12');
});

test('merging a list of anchors', () => {
  const { doc } = parse('a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n');
  assert.deepEqual((doc.value as { c: unknown }).c, { x: '1', y: '2', z: '3' });
});

test('bad YAML is a RecipeError at the parser mark', () => {
  const text = 'architecture: amd64\nactions:\n  - action: run\n   command: x\n';
  assert.throws(
    () => parseYaml(text, locator(text)),
    (e: unknown) => e instanceof RecipeError && e.located.startsWith('x.yaml:4:') && /invalid YAML/.test(e.message),
  );
});

test('duplicate keys are an error', () => {
  const text = 'a: 1\na: 2\n';
  assert.throws(() => parseYaml(text, locator(text)), /duplicated mapping key/);
});

test('linesOf gives the lines of a node without the comments and blanks after it', () => {
  const text = [
    'actions:',
    '  - action: run',
    '    command: |',
    '      echo hi',
    '      # part of the script',
    '',
    '  # about the next action',
    '  - action: apt',
    '',
  ].join('\n');
  const { doc } = parse(text);
  const actions = (doc.value as { actions: unknown[] }).actions;
  assert.equal(doc.linesOf(actions[0]), '  - action: run\n    command: |\n      echo hi\n      # part of the script');
  assert.equal(doc.linesOf(actions[1]), '  - action: apt');
  assert.equal(doc.linesOf('a scalar'), undefined);
});
