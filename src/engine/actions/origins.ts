// Origins: the named places an action can read from. debos knows `recipe` (the recipe's
// directory), `filesystem` (the root being built), `artifacts` (the artifact directory) and
// the name of every `download` action that ran before.
import { PropertyError, type VerifyContext } from './action.js';
import { closest } from '../../util/suggest.js';

const BUILTIN_ORIGINS = ['recipe', 'filesystem', 'artifacts'];

/** Throws unless `origin` names a built-in origin or an earlier download. */
export function checkOrigin(origin: string, ctx: VerifyContext, property = 'origin'): void {
  if (BUILTIN_ORIGINS.includes(origin) || ctx.downloadNames.has(origin)) return;
  const known = [...BUILTIN_ORIGINS, ...ctx.downloadNames];
  const guess = closest(origin, known);
  throw new PropertyError(
    property,
    `unknown origin "${origin}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
    `an origin is one of ${BUILTIN_ORIGINS.join(', ')} or the name of a download action before this one`,
  );
}
