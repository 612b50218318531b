// The registry: every action kind debos knows, in one table. The params union and the
// lookup both come from it, so a new action is one import and one entry here.
import type { z } from 'zod';
import type { ActionDef } from './action.js';
import { closest } from '../../util/suggest.js';
import { apt } from './apt.js';
import { debootstrap } from './debootstrap.js';
import { download } from './download.js';
import { filesystemDeploy } from './filesystem-deploy.js';
import { imagePartition } from './image-partition.js';
import { installDeb } from './install-deb.js';
import { mmdebstrap } from './mmdebstrap.js';
import { ostreeCommit } from './ostree-commit.js';
import { ostreeDeploy } from './ostree-deploy.js';
import { overlay } from './overlay.js';
import { pack } from './pack.js';
import { pacman } from './pacman.js';
import { pacstrap } from './pacstrap.js';
import { raw } from './raw.js';
import { recipe } from './recipe.js';
import { run } from './run.js';
import { unpack } from './unpack.js';

const actions = [
  debootstrap,
  mmdebstrap,
  pacstrap,
  apt,
  pacman,
  installDeb,
  run,
  overlay,
  pack,
  unpack,
  download,
  imagePartition,
  filesystemDeploy,
  raw,
  recipe,
  ostreeCommit,
  ostreeDeploy,
] as const;

type AnyActionDef = (typeof actions)[number];

/** The validated properties of any action, told apart by `action`. */
export type ActionParams = z.output<AnyActionDef['schema']>;

export type ActionKind = ActionParams['action'];

/** The properties of one kind of action. */
export type ParamsOf<K extends ActionKind> = Extract<ActionParams, { action: K }>;

const byKind = new Map<string, ActionDef>(actions.map((def) => [def.kind, def]));

export const ACTION_KINDS: readonly ActionKind[] = actions.map((def) => def.kind as ActionKind);

export function findAction(kind: string): ActionDef | undefined {
  return byKind.get(kind);
}

/** The kind closest to a misspelled one, for "did you mean". */
export function suggestAction(kind: string): string | undefined {
  return closest(kind, byKind.keys());
}
