// Recipe trees in temporary directories, and the loader's errors as the user reads them.
import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type TestContext } from 'node:test';
import { RecipeError, RecipeErrors } from '../../../../src/core/errors.js';
import { loadRecipe, type LoadOptions, type LoadResult } from '../../../../src/engine/recipe/load.js';

/** Writes `files` (path → content) under a new temporary directory, removed after the test. */
export async function recipeTree(t: TestContext, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-recipe-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
    if (path.endsWith('.sh')) await chmod(join(dir, path), 0o755);
  }
  return dir;
}

/** Loads `entry` of a tree and expects it to fail: its errors, `file:line:col: message`, paths relative to the tree. */
export async function loadErrors(t: TestContext, files: Record<string, string>, opts: LoadOptions = {}, entry = 'recipe.yaml'): Promise<string[]> {
  const dir = await recipeTree(t, files);
  try {
    await loadRecipe(join(dir, entry), opts);
  } catch (e) {
    const errors = e instanceof RecipeErrors ? e.errors : e instanceof RecipeError ? [e] : undefined;
    if (!errors) throw e;
    return errors.map((x) => x.located.replaceAll(`${dir}/`, ''));
  }
  throw new Error('the recipe loaded without errors');
}

/** Loads `entry` of a tree and expects it to succeed. */
export async function loadTree(t: TestContext, files: Record<string, string>, opts: LoadOptions = {}, entry = 'recipe.yaml'): Promise<LoadResult & { dir: string }> {
  const dir = await recipeTree(t, files);
  return { ...(await loadRecipe(join(dir, entry), opts)), dir };
}

/** A recipe text: `architecture` and the given actions block (already indented YAML). */
/** An image-partition action (six lines) with a root partition mounted at /, for the
 * actions that need an image before them (raw, filesystem-deploy). */
export const IMAGE_ACTION = '  - action: image-partition\n    imagename: x.img\n    imagesize: 1GB\n    partitiontype: msdos\n    partitions: [{ name: root, fs: ext4, start: 0%, end: 100% }]\n    mountpoints: [{ mountpoint: /, partition: root }]\n';

export function recipe(actions: string, architecture = 'amd64'): string {
  return `architecture: ${architecture}\nactions:\n${actions}`;
}
