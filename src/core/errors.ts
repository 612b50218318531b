// Typed errors. Only src/cli.ts prints them; everything else throws.

/** A place in a source file, 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

export abstract class DebstepError extends Error {
  abstract readonly exitCode: 1 | 2;
  readonly hint: string | undefined;
  readonly where: SourcePos | undefined;

  constructor(message: string, opts: { hint?: string; where?: SourcePos; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.hint = opts.hint;
    this.where = opts.where;
  }

  /** The one-line message the user sees: `file:line:col: message`. */
  get located(): string {
    return this.where ? `${formatPos(this.where)}: ${this.message}` : this.message;
  }
}

/** A problem with the command line: unknown flag, missing recipe. Exit 2. */
export class UsageError extends DebstepError {
  readonly exitCode = 2;
}

/** A recipe that does not render, parse or validate. Exit 2. */
export class RecipeError extends DebstepError {
  readonly exitCode = 2;
}

/** The build failed while running. Exit 1. */
export class BuildError extends DebstepError {
  readonly exitCode = 1;
}

/** A command run by an action exited non-zero or could not start. */
export class CommandError extends BuildError {
  constructor(
    message: string,
    readonly argv: readonly string[],
    readonly exitStatus: number | null,
    readonly signal: string | null,
    /** The last lines of the command's output, oldest first. */
    readonly outputTail: readonly string[],
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts);
  }
}

/** An action failed at a stage: `Action 'Install packages' failed at stage Run`. */
export class ActionFailure extends BuildError {
  constructor(
    readonly description: string,
    readonly stage: string,
    override readonly cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const hint = cause instanceof DebstepError ? cause.hint : undefined;
    super(`Action '${description}' failed at stage ${stageName(stage)}: ${why}`, hint === undefined ? { cause } : { cause, hint });
  }

  static wrap(description: string, stage: string, err: unknown): ActionFailure {
    return err instanceof ActionFailure ? err : new ActionFailure(description, stage, err);
  }

  /** The failed command, when a command failed. */
  get command(): CommandError | undefined {
    return this.cause instanceof CommandError ? this.cause : undefined;
  }
}

/** debos's spelling of a stage: Run, PreMachine, PostMachineCleanup. */
function stageName(stage: string): string {
  return stage.charAt(0).toUpperCase() + stage.slice(1);
}

/** The host lacks something a build needs (a tool, binfmt, root). Exit 1. */
export class HostError extends DebstepError {
  readonly exitCode = 1;
}

/** Several recipe errors found in one pass; check reports them all. */
export class RecipeErrors extends RecipeError {
  constructor(readonly errors: readonly RecipeError[]) {
    super(errors.map((e) => e.located).join('\n'));
  }
}
