// The files a recipe's actions name, checked before the build as debos checks them: a
// missing one is an error, unless a command on the build host before the action may make it.
import { stat } from 'node:fs/promises';
import type { NamedFile } from '../actions/action.js';
import { formatPos, type SourcePos } from '../../core/errors.js';
import { propertyLabel } from './issues.js';
import { propertyPath, type Finding } from './validate-action.js';

/** An action before this one that runs commands on the build host. */
export interface HostCommand {
  readonly kind: string;
  readonly where: SourcePos;
}

/** Files that are missing or unfit: errors, except a missing one that a command on the
 * build host before the action may make. */
export async function missingFiles(files: readonly NamedFile[], kind: string, hostCommands: readonly HostCommand[]): Promise<{ errors: Finding[]; warnings: Finding[] }> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const maker = hostCommands.at(-1);
  for (const named of files) {
    const path = propertyPath(named.property);
    const problem = await fileProblem(named);
    if (!problem) continue;
    const message = `"${propertyLabel(path)}" in ${kind} action: ${named.path} ${problem}`;
    if (problem === 'does not exist' && maker) {
      warnings.push({ path, part: 'value', message: `${message} yet; the ${maker.kind} action at ${formatPos(maker.where)} runs commands on the build host before it and may make it` });
    } else errors.push({ path, part: 'value', message });
  }
  return { errors, warnings };
}

async function fileProblem({ path, kind }: NamedFile): Promise<string | undefined> {
  try {
    const st = await stat(path);
    if ((kind === 'file' || kind === 'executable') && st.isDirectory()) return 'is a directory, not a file';
    if (kind === 'directory' && !st.isDirectory()) return 'is not a directory';
    if (kind === 'executable' && (st.mode & 0o111) === 0) return 'is not executable (chmod +x it)';
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (e as Error).message;
  }
}
