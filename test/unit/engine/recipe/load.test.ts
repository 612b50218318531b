import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { RecipeError } from '../../../../src/core/errors.js';
import { loadRecipe } from '../../../../src/engine/recipe/load.js';
import { IMAGE_ACTION, loadErrors, loadTree, recipe, recipeTree } from './helpers.js';

const fixtures = join(import.meta.dirname, '../../../fixtures/recipes');

test('bad YAML is reported at its line and column, without a stack', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: run\n   command: x\n') });
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^recipe\.yaml:4:\d+: invalid YAML: /);
});

test('an unknown action, with a did-you-mean over the registry', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: overlya\n    source: x\n') });
  assert.deepEqual(errors, ['recipe.yaml:3:13: unknown action "overlya" (did you mean "overlay"?)']);
});

test('an unknown action with nothing close lists the actions', async (t) => {
  const dir = await recipeTree(t, { 'recipe.yaml': recipe('  - action: frobnicate\n') });
  await assert.rejects(loadRecipe(join(dir, 'recipe.yaml')), (e: unknown) => e instanceof RecipeError && /debootstrap, mmdebstrap/.test(e.hint ?? ''));
});

test('a misspelled property, at its key, with a hint', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: run\n    chrot: true\n    command: x\n') }, { strict: true });
  assert.deepEqual(errors, ['recipe.yaml:4:5: unknown property "chrot" in run action (did you mean "chroot"?)']);
});

test('a missing required property points at its action', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: apt\n    packages: [a]\n  - action: debootstrap\n    variant: minbase\n') });
  assert.deepEqual(errors, ['recipe.yaml:5:5: missing required property "suite" in debootstrap action']);
});

test('a wrong type points at the value', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: run\n    chroot: [yes]\n    command: x\n') });
  assert.deepEqual(errors, ['recipe.yaml:4:13: "chroot" in run action: expected a boolean, got a list']);
});

test('a missing script, split from its arguments at the first space', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: run\n    script: scripts/setup.sh --user me\n') });
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^recipe\.yaml:4:13: "script" in run action: scripts\/setup\.sh does not exist$/);
});

test('a script that exists passes', async (t) => {
  const { recipe: r } = await loadTree(t, {
    'recipe.yaml': recipe('  - action: run\n    script: scripts/setup.sh --user me\n'),
    'scripts/setup.sh': '#!/bin/sh\n',
  });
  assert.equal(r.actions[0]!.kind, 'run');
});

test('a missing overlay source', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: overlay\n    source: overlays/none\n') });
  assert.match(errors[0]!, /^recipe\.yaml:4:13: "source" in overlay action: overlays\/none does not exist$/);
});

test('a verify rule failure points at the property it names', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: run\n    chroot: true\n    postprocess: true\n    command: x\n') });
  assert.deepEqual(errors, ["recipe.yaml:5:18: run action: 'chroot' and 'postprocess' are mutually exclusive"]);
});

test('all the errors of a recipe are reported, in order', async (t) => {
  const errors = await loadErrors(t, {
    'recipe.yaml': recipe(
      ['  - action: run', '    chrot: true', '    command: x', '  - action: nope', '  - action: apt', '    update: maybe', ''].join('\n'),
    ),
  }, { strict: true });
  assert.deepEqual(errors, [
    'recipe.yaml:4:5: unknown property "chrot" in run action (did you mean "chroot"?)',
    'recipe.yaml:6:13: unknown action "nope"',
    'recipe.yaml:8:13: "update" in apt action: expected a boolean, got "maybe"',
  ]);
});

test('by default unknown properties are warnings and ignored, as debos ignores them', async (t) => {
  const { recipe: r, warnings } = await loadTree(t, { 'recipe.yaml': recipe('  - action: run\n    chrot: true\n    command: x\n') });
  assert.equal(r.actions.length, 1);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.message, 'unknown property "chrot" in run action (did you mean "chroot"?)');
  assert.deepEqual([warnings[0]!.where?.line, warnings[0]!.where?.col], [4, 5]);
});

test('loading without --strict still rejects other mistakes, naming the unknown properties of the action it refuses', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: run\n    comand: x\n') });
  assert.deepEqual(errors, [
    'recipe.yaml:4:5: unknown property "comand" in run action (did you mean "command"?)',
    "recipe.yaml:3:5: run action: one of 'script' or 'command' is required",
  ]);
});

test('the top level needs an architecture and actions', async (t) => {
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': 'actions:\n  - action: apt\n' }), [
    "recipe.yaml:1:1: recipe has no 'architecture' property",
  ]);
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': 'architecture: amd64\n' }), ['recipe.yaml:1:1: recipe has no actions']);
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': 'architecture: amd64\nactions: []\n' }), ['recipe.yaml:2:10: recipe has no actions']);
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': 'architecture: amd64\nsectorsize: big\nactions: []\n' }), [
    'recipe.yaml:2:13: "sectorsize" in recipe: expected an integer, got "big"',
  ]);
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': '- action: apt\n' }), [
    "recipe.yaml:1:1: a recipe is a YAML mapping with 'architecture' and 'actions', got a list",
  ]);
});

test('an action that is not a mapping', async (t) => {
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': recipe('  - apt\n') }), [
    `recipe.yaml:3:5: an action must be a mapping with an 'action' property, got "apt"`,
  ]);
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': recipe('  - packages: [a]\n') }), ["recipe.yaml:3:5: action has no 'action' property"]);
});

test('a missing recipe file', async () => {
  await assert.rejects(loadRecipe(join(import.meta.dirname, 'no-such.yaml')), /cannot read recipe .*no-such\.yaml: no such file/);
});

test('sectorsize defaults to 512', async (t) => {
  const { recipe: r } = await loadTree(t, { 'recipe.yaml': recipe('  - action: apt\n') });
  assert.equal(r.sectorSize, 512);
});

test('a sub-recipe for another architecture', async (t) => {
  const errors = await loadErrors(t, {
    'recipe.yaml': recipe('  - action: recipe\n    recipe: sub/child.yaml\n'),
    'sub/child.yaml': recipe('  - action: apt\n', 'armhf'),
  });
  assert.deepEqual(errors, ['sub/child.yaml:1:15: sub-recipe sub/child.yaml is for armhf but the recipe is for amd64']);
});

test('an include cycle', async (t) => {
  const errors = await loadErrors(t, {
    'recipe.yaml': recipe('  - action: recipe\n    recipe: a/one.yaml\n'),
    'a/one.yaml': recipe('  - action: recipe\n    recipe: ../b/two.yaml\n'),
    'b/two.yaml': recipe('  - action: recipe\n    recipe: ../a/one.yaml\n'),
  });
  assert.deepEqual(errors, ['b/two.yaml:4:13: recipe include cycle: a/one.yaml → b/two.yaml → a/one.yaml']);
});

test('a recipe including itself', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: recipe\n    recipe: ./recipe.yaml\n') });
  assert.deepEqual(errors, ['recipe.yaml:4:13: recipe include cycle: recipe.yaml → recipe.yaml']);
});

test('errors inside a sub-recipe point into the sub-recipe file', async (t) => {
  const errors = await loadErrors(t, {
    'recipe.yaml': recipe('  - action: recipe\n    recipe: sub/child.yaml\n  - action: run\n    comand: x\n'),
    'sub/child.yaml': recipe('  - action: apt\n    packges: [a]\n'),
  }, { strict: true });
  assert.deepEqual(errors, [
    'sub/child.yaml:4:5: unknown property "packges" in apt action (did you mean "packages"?)',
    'recipe.yaml:6:5: unknown property "comand" in run action (did you mean "command"?)',
  ]);
});

test('a missing sub-recipe', async (t) => {
  const errors = await loadErrors(t, { 'recipe.yaml': recipe('  - action: recipe\n    recipe: nope.yaml\n') });
  assert.match(errors[0]!, /^recipe\.yaml:4:13: "recipe" in recipe action: nope\.yaml does not exist$/);
});

test('a sub-recipe gets architecture and its own variables, not the parent\'s (as debos)', async (t) => {
  const { recipe: r } = await loadTree(
    t,
    {
      'recipe.yaml': recipe('  - action: recipe\n    recipe: sub/child.yaml\n    variables:\n      version: 1.10\n      suite: trixie\n'),
      'sub/child.yaml': recipe('  - action: apt\n'),
    },
    { vars: { suite: 'bookworm', mirror: 'm' } },
  );
  const include = r.actions[0]!;
  assert.equal(include.kind, 'recipe');
  assert.deepEqual(Object.fromEntries(include.kind === 'recipe' ? include.child.vars : []), {
    suite: 'trixie',
    architecture: 'amd64',
    version: '1.10',
  });
});

test('debos test recipes: nested recipes resolve paths against their own directories', async () => {
  const { recipe: r, warnings } = await loadRecipe(join(fixtures, 'nested/test.yaml'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    r.actions.map((a) => a.description),
    ['Simple recipe', 'Recipe in a subdirectory with its own sub-recipe', 'Recipe whose data lives in a sibling directory'],
  );
  const separate = r.actions[2]!;
  assert.ok(separate.kind === 'recipe');
  assert.equal(separate.child.dir, join(fixtures, 'nested/separate/recipes'));
  assert.equal(separate.child.actions[1]!.recipeDir, join(fixtures, 'nested/separate/recipes'));
  assert.equal(separate.child.file, join(fixtures, 'nested/separate/recipes/main.yaml'));
});

test('debos test recipes: anchors with merge keys in hidden top-level keys', async () => {
  const { recipe: r } = await loadRecipe(join(fixtures, 'anchors/test.yaml'));
  assert.equal(r.architecture, 'arm64');
  assert.equal(r.sectorSize, 4096);
  const params = r.actions.map((a) => (a.kind === 'run' ? [a.params.chroot, a.params.label, a.params.command] : []));
  assert.deepEqual(params, [
    [false, 'on-host', 'echo one'],
    [true, 'on-host', 'echo two'],
    [false, 'overridden', 'echo three'],
  ]);
});

test('YAML 1.1 booleans', async () => {
  const { recipe: r } = await loadRecipe(join(fixtures, 'booleans/test.yaml'));
  const [apt, debootstrap, run] = r.actions;
  assert.ok(apt?.kind === 'apt' && debootstrap?.kind === 'debootstrap' && run?.kind === 'run');
  assert.deepEqual([apt.params.recommends, apt.params.update, apt.params.unauthenticated], [true, false, false]);
  assert.deepEqual([debootstrap.params['merged-usr'], debootstrap.params['check-gpg']], [false, true]);
  assert.equal(run.params.chroot, true);
});

test('an action keeps its description, position, recipe and rendered lines', async (t) => {
  const { recipe: r, dir } = await loadTree(t, {
    'recipe.yaml': recipe(`${IMAGE_ACTION}  - action: filesystem-deploy\n  - action: apt\n    description: Install\n  # next\n  - action: pack\n    file: x.tgz\n`),
  });
  const [, deploy, apt, pack] = r.actions;
  assert.deepEqual([deploy?.description, apt?.description, pack?.description], ['Deploying filesystem', 'Install', 'pack']);
  assert.deepEqual([apt?.where.line, apt?.where.col], [10, 5]);
  assert.equal(apt?.file, join(dir, 'recipe.yaml'));
  assert.equal(apt?.recipeDir, dir);
  assert.equal(apt?.yaml, '  - action: apt\n    description: Install');
});

test('a download name is an origin for the actions after it, also in sub-recipes', async (t) => {
  const { recipe: r } = await loadTree(t, {
    'recipe.yaml': recipe(
      '  - action: download\n    url: https://example.org/fw.tar\n    name: fw\n    unpack: true\n  - action: recipe\n    recipe: child.yaml\n  - action: overlay\n    origin: fw\n',
    ),
    'child.yaml': recipe('  - action: unpack\n    origin: fw\n'),
  });
  assert.equal(r.actions.length, 3);
});

test('an origin used before its download is unknown', async (t) => {
  const errors = await loadErrors(t, {
    'recipe.yaml': recipe('  - action: overlay\n    origin: fw\n  - action: download\n    url: https://example.org/fw.tar\n    name: fw\n'),
  });
  assert.deepEqual(errors, ['recipe.yaml:4:13: overlay action: unknown origin "fw"']);
});

test('a file that a command on the build host before it may make is a warning, not an error', async (t) => {
  const raw = '  - action: raw\n    source: gigabyte.zero\n';
  const { warnings, dir } = await loadTree(t, { 'recipe.yaml': recipe(`${IMAGE_ACTION}  - action: run\n    command: dd if=/dev/zero of=$RECIPEDIR/gigabyte.zero bs=1M count=1\n${raw}`) });
  assert.deepEqual(
    warnings.map((w) => `${w.where?.line}:${w.where?.col}: ${w.message}`),
    [`12:13: "source" in raw action: ${dir}/gigabyte.zero does not exist yet; the run action at ${join(dir, 'recipe.yaml')}:9:5 runs commands on the build host before it and may make it`],
  );
  // A command in the root, or one that runs after everything, makes nothing the recipe names.
  for (const run of ['  - action: run\n    chroot: true\n    command: "true"\n', '  - action: run\n    postprocess: true\n    command: "true"\n']) {
    assert.deepEqual(await loadErrors(t, { 'recipe.yaml': recipe(`${IMAGE_ACTION}${run}${raw}`) }), ['recipe.yaml:13:13: "source" in raw action: gigabyte.zero does not exist']);
  }
});

test('the OSTree actions check: debstep runs them', async (t) => {
  const ostree = '  - action: ostree-commit\n    repository: repo\n    branch: main\n  - action: ostree-deploy\n    repository: repo\n    branch: main\n    os: debian\n';
  const { recipe: r } = await loadTree(t, { 'recipe.yaml': recipe(ostree) });
  assert.deepEqual(r.actions.map((a) => [a.kind, a.description]), [['ostree-commit', 'ostree-commit'], ['ostree-deploy', 'Deploying from ostree']]);
});

test('an image-partition that does not validate brings no second error from the actions that need its image', async (t) => {
  const broken = IMAGE_ACTION.replace('partitiontype: msdos', 'partitiontype: mbr');
  assert.deepEqual(await loadErrors(t, { 'recipe.yaml': recipe(`${broken}  - action: filesystem-deploy\n  - action: raw\n    origin: artifacts\n    source: x\n`) }), [
    'recipe.yaml:6:20: "partitiontype" in image-partition action: expected one of gpt, msdos, got "mbr"',
  ]);
});

test('unknown properties of partitions and mountpoints, and at the top level, are warnings too; --strict refuses each', async (t) => {
  const text = [
    'architecture: amd64',
    'descripton: my image',
    '.common: &common',
    '  chroot: true',
    'actions:',
    '  - action: image-partition',
    '    imagename: disk.img',
    '    imagesize: 1G',
    '    partitiontype: gpt',
    '    partitions:',
    '      - name: root',
    '        fs: ext4',
    '        start: 0%',
    '        end: 100%',
    '        options: [x]',
    '    mountpoints:',
    '      - mountpoint: /',
    '        partition: root',
    '        flags: [boot]',
    '  - action: run',
    '    <<: *common',
    '    command: x',
    '',
  ].join('\n');
  const expected = [
    'recipe.yaml:2:1: unknown property "descripton" in recipe',
    'recipe.yaml:15:9: unknown property "partitions[0].options" in image-partition action',
    'recipe.yaml:19:9: unknown property "mountpoints[0].flags" in image-partition action',
  ];
  const { recipe: r, warnings, dir } = await loadTree(t, { 'recipe.yaml': text });
  assert.deepEqual(r.actions.map((a) => a.kind), ['image-partition', 'run']);
  const shown = warnings.map((w) => `${w.where?.file.replace(`${dir}/`, '')}:${w.where?.line}:${w.where?.col}: ${w.message}`);
  assert.deepEqual(shown.map((s) => s.replace(/ \(did you mean .*\)$/, '')), expected);
  const errors = await loadErrors(t, { 'recipe.yaml': text }, { strict: true });
  assert.deepEqual(errors.map((s) => s.replace(/ \(did you mean .*\)$/, '')), expected);
});
