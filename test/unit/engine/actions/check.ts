// Validating one action as the loader does, from the plain values YAML would give.
import assert from 'node:assert/strict';
import { type PlannedImage } from '../../../../src/engine/actions/action.js';
import { type ParamsOf, type ActionKind } from '../../../../src/engine/actions/index.js';
import { propertyLabel } from '../../../../src/engine/recipe/issues.js';
import { validateAction, type ActionValidation, type Finding } from '../../../../src/engine/recipe/validate-action.js';

export interface CheckOptions {
  readonly downloads?: readonly string[];
  readonly lenient?: boolean;
  readonly recipeDir?: string;
  /** The image an image-partition action before this one makes. */
  readonly image?: PlannedImage;
  readonly sectorSize?: number;
}

/** A 1 GB image with a 256 MB partition "boot" and a mounted "root", as verify sees one. */
export const AN_IMAGE: PlannedImage = {
  name: 'disk.img',
  bytes: 1e9,
  partitions: [{ name: 'boot', bytes: 256e6 }, { name: 'root', bytes: 744e6 }],
  mountpoints: [{ mountpoint: '/', buildtime: false }],
};

export function check(node: Record<string, unknown>, opts: CheckOptions = {}): ActionValidation {
  const context = { recipeDir: opts.recipeDir ?? '/recipes', architecture: 'amd64', sectorSize: opts.sectorSize ?? 512, downloadNames: new Set(opts.downloads ?? []), image: opts.image };
  return validateAction(node, context, opts.lenient ?? false);
}

/** The validated properties; fails the test if the action is rejected. */
export function params<K extends ActionKind>(node: Record<string, unknown> & { action: K }, opts?: CheckOptions): ParamsOf<K> {
  const result = check(node, opts);
  assert.ok(result.ok, `rejected: ${result.ok ? '' : result.errors.map((e) => e.message).join('; ')}`);
  return result.params as ParamsOf<K>;
}

/** `property: message`, the property path being where the loader points; the action's own have none. */
function located(f: Finding): string {
  return f.path.length > 0 ? `${propertyLabel(f.path)}: ${f.message}` : f.message;
}

/** The errors of a rejected action. */
export function errors(node: Record<string, unknown>, opts?: CheckOptions): string[] {
  const result = check(node, opts);
  assert.ok(!result.ok, 'expected the action to be rejected');
  return result.errors.map(located);
}

/** The warnings of an accepted action. */
export function warnings(node: Record<string, unknown>, opts?: CheckOptions): string[] {
  const result = check(node, opts);
  assert.ok(result.ok, `rejected: ${result.ok ? '' : result.errors.map((e) => e.message).join('; ')}`);
  return result.warnings.map(located);
}

/** The files an accepted action names, as `property path kind`. */
export function files(node: Record<string, unknown>, opts?: CheckOptions): string[] {
  const result = check(node, opts);
  assert.ok(result.ok, `rejected: ${result.ok ? '' : result.errors.map((e) => e.message).join('; ')}`);
  return result.files.map((f) => `${f.property} ${f.path} ${f.kind}`);
}
