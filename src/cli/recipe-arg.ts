// The one recipe a command works on.
import { UsageError } from '../core/errors.js';

export function recipeArg(command: string, positionals: readonly string[]): string {
  if (positionals.length === 0) {
    throw new UsageError('no recipe given', { hint: `usage: debstep ${command} RECIPE [OPTIONS]` });
  }
  if (positionals.length > 1) {
    throw new UsageError(`one recipe at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  return positionals[0]!;
}
