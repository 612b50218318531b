// Turning errors into what the user reads on stderr. Only the CLI prints errors.
import { ActionFailure, DebstepError, RecipeErrors } from '../core/errors.js';
import { shellQuote } from '../engine/sinks/text.js';

/** The failed command's details: command line, exit status, last lines of output. */
export function failureDetails(failure: ActionFailure): string[] {
  const cmd = failure.command;
  if (!cmd) return [];
  const status = cmd.exitStatus === null ? `killed by ${cmd.signal}` : String(cmd.exitStatus);
  const lines = [`  command: ${shellQuote(cmd.argv)}`, `  exit status: ${status}`];
  if (cmd.outputTail.length) lines.push(`  last ${cmd.outputTail.length} lines of output:`, ...cmd.outputTail.map((l) => `    | ${l}`));
  return lines;
}

/** Writes the error to stderr and returns the exit code it means. */
export function report(err: unknown, verbose: boolean, out: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof DebstepError) {
    const errors = err instanceof RecipeErrors ? err.errors : [err];
    for (const e of errors) {
      out.write(`error: ${e.located}\n`);
      if (e instanceof ActionFailure) for (const line of failureDetails(e)) out.write(line + '\n');
      if (e.hint) out.write(`hint: ${e.hint}\n`);
    }
    if (verbose && err.stack) out.write(`${err.stack}\n`);
    return err.exitCode;
  }
  // Anything else is a bug in debstep: say so, with the trace only when asked.
  const message = err instanceof Error ? err.message : String(err);
  out.write(`error: internal error: ${message}\n`);
  if (verbose && err instanceof Error && err.stack) out.write(`${err.stack}\n`);
  else out.write('hint: run again with --verbose for the stack trace\n');
  return 1;
}
