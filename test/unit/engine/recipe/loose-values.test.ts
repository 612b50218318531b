// Loose values debos reads its own way: built with a warning where debos builds what the
// recipe means, refused where debos drops or misreads them; --strict refuses them all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partitionTable } from '../../../../src/engine/actions/image-partition.js';
import type { ImagePartition } from '../../../../src/engine/actions/image/schema.js';
import { loadErrors, loadTree, recipe } from './helpers.js';

const image = (type: string, more = '') =>
  recipe(
    [
      '  - action: image-partition',
      '    imagename: x.img',
      '    imagesize: 1GB',
      `    partitiontype: ${type}`,
      '    partitions:',
      '      - { name: boot, fs: vfat, start: 1MiB, end: 64MiB }',
      '      - { name: root, fs: ext4, start: 64MiB, end: 100% }',
      more,
    ].join('\n'),
  );

test('partitiontype: GPT builds a gpt table with named partitions, as debos 1.1.7 does, with a warning at its place', async (t) => {
  const { recipe: r, warnings } = await loadTree(t, { 'recipe.yaml': image('GPT') });
  const action = r.actions[0]!;
  assert.equal(action.kind, 'image-partition');
  const p = action.params as ImagePartition;
  assert.equal(p.partitiontype, 'gpt');
  assert.deepEqual(partitionTable(p).map((e) => e.mkpartName), ['boot', 'root']);
  assert.equal(warnings.length, 1);
  assert.deepEqual([warnings[0]!.where?.line, warnings[0]!.where?.col], [6, 20]);
  assert.match(warnings[0]!.message, /^image-partition action: partitiontype "GPT" is read as "gpt", as parted reads it: debos compares the word letter for letter \(debos 1\.1\.7 builds the same table, but 1\.1\.1 names every partition "primary"/);
});

test('partitiontype: Msdos builds an msdos table, with a warning; --strict refuses both spellings', async (t) => {
  const { recipe: r, warnings } = await loadTree(t, { 'recipe.yaml': image('Msdos') });
  const p = r.actions[0]!.params as ImagePartition;
  assert.equal(p.partitiontype, 'msdos');
  assert.deepEqual(partitionTable(p).map((e) => e.mkpartName), ['primary', 'primary']);
  assert.match(warnings[0]!.message, /partitiontype "Msdos" is read as "msdos".*1\.1\.6 and later pass the partition names to parted, which refuses them\); write "msdos"$/);
  for (const type of ['GPT', 'Msdos']) {
    const errors = await loadErrors(t, { 'recipe.yaml': image(type) }, { strict: true });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, new RegExp(`^recipe\\.yaml:6:20: image-partition action: partitiontype "${type}" is read as`));
  }
});

test('a partition type that is no table type is refused in any case', async (t) => {
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': image('GTP') }), [
    'recipe.yaml:6:20: "partitiontype" in image-partition action: expected one of gpt, msdos, got "GTP"',
  ]);
});

test('recommends: 1 is refused, saying what debos does with it (drops it, or refuses it)', async (t) => {
  const apt = (value: string) => recipe(`  - action: apt\n    recommends: ${value}\n    packages: [vim]\n`);
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': apt('1') }), [
    'recipe.yaml:4:17: "recommends" in apt action: expected a boolean, got "1": debos 1.1.1 to 1.1.4 silently ignore a number here and 1.1.5 and later refuse it; write true or false',
  ]);
  // The YAML 1.1 words are booleans to debos 1.1.1's yaml.v2, and here.
  for (const [word, value] of [['yes', true], ['On', true], ['no', false], ['off', false]] as const) {
    const { recipe: r, warnings } = await loadTree(t, { 'recipe.yaml': apt(word) });
    assert.equal((r.actions[0]!.params as { recommends: boolean }).recommends, value, word);
    assert.deepEqual(warnings, []);
  }
});

test('a scalar where debos wants a list is refused: debos would install nothing', async (t) => {
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': recipe('  - action: apt\n    packages: vim\n') }), [
    'recipe.yaml:4:15: "packages" in apt action: expected a list of strings, got "vim"',
  ]);
});
