// Build events: plain serialisable objects with a type and a timestamp. The engine emits
// them; sinks (plain log, JSON Lines, full log, the TUI) only read them.

export type Stage = 'verify' | 'preMachine' | 'preNoMachine' | 'run' | 'cleanup' | 'postMachine' | 'postMachineCleanup';

export type ActionStatus = 'done' | 'failed' | 'skipped';
export type PauseReason = 'step' | 'breakpoint' | 'failure';
export type Stream = 'stdout' | 'stderr';

/** What the event stream says about each planned action up front. */
export interface StepInfo {
  readonly index: number;
  readonly kind: string;
  readonly description: string;
  readonly where: string;
}

interface Base {
  /** Milliseconds since the epoch. */
  readonly ts: number;
}

export type BuildEvent = Base &
  (
    | {
        readonly type: 'build-start';
        readonly recipe: string;
        readonly architecture: string;
        readonly backend: string;
        readonly backendReason: string;
        readonly workspace: string;
        readonly steps: readonly StepInfo[];
      }
    | {
        readonly type: 'build-end';
        readonly status: 'success' | 'failed' | 'aborted';
        readonly tainted: boolean;
        readonly skipped: readonly number[];
        readonly durationMs: number;
        readonly error?: string;
      }
    | { readonly type: 'action-start'; readonly index: number; readonly kind: string; readonly description: string; readonly attempt: number; readonly cached?: boolean }
    | { readonly type: 'action-end'; readonly index: number; readonly status: ActionStatus; readonly durationMs: number; readonly error?: string }
    | { readonly type: 'stage-start'; readonly stage: Stage; readonly index?: number }
    | { readonly type: 'stage-end'; readonly stage: Stage; readonly index?: number; readonly error?: string }
    | {
        readonly type: 'command';
        readonly id: number;
        readonly index?: number;
        readonly label: string;
        readonly argv: readonly string[];
        readonly env: Readonly<Record<string, string>>;
        readonly chroot: boolean;
        readonly cwd?: string;
        /** Run on the computer debstep runs on, outside the VM. */
        readonly outside?: boolean;
      }
    | {
        readonly type: 'command-end';
        readonly id: number;
        readonly index?: number;
        readonly exitStatus: number | null;
        readonly signal: string | null;
        readonly durationMs: number;
      }
    | { readonly type: 'output'; readonly index?: number; readonly commandId?: number; readonly label: string; readonly stream: Stream; readonly text: string }
    | { readonly type: 'paused'; readonly index: number; readonly reason: PauseReason; readonly error?: string }
    | { readonly type: 'resumed'; readonly index: number; readonly command: string }
    | { readonly type: 'shell-open'; readonly chroot: boolean; readonly index?: number }
    | { readonly type: 'shell-close'; readonly chroot: boolean; readonly exitStatus: number | null }
    | { readonly type: 'info'; readonly index?: number; readonly message: string }
    | { readonly type: 'warning'; readonly index?: number; readonly message: string }
    | { readonly type: 'diagnostic'; readonly source: string; readonly message: string }
    | { readonly type: 'snapshot'; readonly index: number; readonly layer: string }
    | { readonly type: 'rewind'; readonly index: number }
    /** Whether action `index` comes from the layer cache, and why it does or does not. */
    | { readonly type: 'cache'; readonly index: number; readonly hit: boolean; readonly reason: string }
  );

type Variant<T extends BuildEvent['type']> = Extract<BuildEvent, { type: T }>;
/** An event before its timestamp is stamped: what emitters pass. */
export type EventInput = { [T in BuildEvent['type']]: Omit<Variant<T>, 'ts'> }[BuildEvent['type']];

/** Where events go. Sinks flush and close on dispose. */
export interface EventSink {
  write(event: BuildEvent): void;
  close?(): Promise<void>;
}

/** Fans events out to sinks, stamping the time. */
export class EventBus {
  private readonly sinks: EventSink[] = [];

  add(sink: EventSink): void {
    this.sinks.push(sink);
  }

  emit(event: EventInput): void {
    const stamped = { ...event, ts: Date.now() } as BuildEvent;
    for (const sink of this.sinks) sink.write(stamped);
  }

  async close(): Promise<void> {
    for (const sink of this.sinks) await sink.close?.();
  }
}
