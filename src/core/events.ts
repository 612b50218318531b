// Build events: plain serialisable objects with a type and a timestamp. The engine emits
// them; sinks (plain log, JSON Lines, full log, the TUI) only read them. The schema below is the one source of the
// event types and of docs/events.schema.json; the JSON Lines (--events, --progress json,
// events.jsonl) carry its version as `v`.
import { z } from 'zod';
import { STREAMS } from './stream.js';

/** The version of the events schema, in every JSON Lines event as `v`. A change that
 * could break a reader (a field removed, renamed or retyped) makes it 2; new event types
 * and new optional fields do not. */
export const EVENTS_VERSION = 1;

const stage = z.enum(['verify', 'preMachine', 'preNoMachine', 'run', 'cleanup', 'postMachine', 'postMachineCleanup']).describe("debos's stage");
export type Stage = z.infer<typeof stage>;
const actionStatus = z.enum(['done', 'failed', 'skipped']);
export type ActionStatus = z.infer<typeof actionStatus>;
const pauseReason = z.enum(['step', 'breakpoint', 'failure']);
export type PauseReason = z.infer<typeof pauseReason>;
const stream = z.enum(STREAMS);

/** What the event stream says about each planned action up front. */
const stepInfo = z.strictObject({
  index: z.number().int().describe("The action's number in the plan, from 1"),
  kind: z.string().describe('The action kind (apt, run, pack, ...)'),
  description: z.string(),
  where: z.string().describe('Where the action is in the recipe: file:line:column'),
});
export type StepInfo = z.infer<typeof stepInfo>;

const index = z.number().int().describe('The action it belongs to (its number in the plan)');
const durationMs = z.number().describe('Milliseconds it took');
const error = z.string().describe('The error message');

/** One event type: its fields besides `type` and `ts`. */
const event = <T extends string, S extends z.ZodRawShape>(type: T, description: string, shape: S) =>
  z.strictObject({ type: z.literal(type), ts: z.number().describe('When, in milliseconds since the epoch'), ...shape }).describe(description);

const variants = [
  event('build-start', 'The build starts: what it builds, where, and the planned actions', {
    recipe: z.string().describe('The recipe file'),
    architecture: z.string(),
    backend: z.string().describe('host or vm'),
    backendReason: z.string().describe('Why that backend'),
    workspace: z.string().describe("The build's workspace directory"),
    steps: z.array(stepInfo).readonly(),
  }),
  event('build-end', 'The build ended (the last event)', {
    status: z.enum(['success', 'failed', 'aborted']),
    tainted: z.boolean().describe('Actions were skipped in the debugger'),
    skipped: z.array(z.number().int()).readonly().describe('The skipped actions'),
    durationMs,
    error: error.optional(),
  }),
  event('action-start', 'An action starts, or comes from the cache (cached)', {
    index,
    kind: z.string(),
    description: z.string(),
    attempt: z.number().int().describe('1, then 2, 3... for retries in the debugger'),
    cached: z.boolean().optional().describe('Its result was taken from the layer cache: it does not run'),
  }),
  event('action-end', 'An action ended', { index, status: actionStatus, durationMs, error: error.optional() }),
  event('stage-start', 'A stage of an action starts', { stage, index: index.optional() }),
  event('stage-end', 'A stage of an action ended', { stage, index: index.optional(), error: error.optional() }),
  event('command', 'A command starts', {
    id: z.number().int().describe('Names the command in its output and command-end events'),
    index: index.optional(),
    label: z.string().describe('The prefix of its output lines in the log'),
    argv: z.array(z.string()).readonly(),
    env: z.record(z.string(), z.string()).readonly().describe('The variables it gets besides the defaults'),
    chroot: z.boolean().describe('It runs in the root being built'),
    cwd: z.string().optional(),
    outside: z.boolean().optional().describe('It runs on the computer debstep runs on, outside the VM'),
  }),
  event('command-end', 'A command ended', {
    id: z.number().int(),
    index: index.optional(),
    exitStatus: z.number().int().nullable().describe('null when a signal ended it'),
    signal: z.string().nullable(),
    durationMs,
  }),
  event('output', "A line of a command's output (or of the VM console, label console)", {
    index: index.optional(),
    commandId: z.number().int().optional(),
    label: z.string(),
    stream,
    text: z.string().describe('The line, without its newline'),
  }),
  event('paused', 'The debugger paused the build', { index, reason: pauseReason, error: error.optional() }),
  event('resumed', 'The debugger resumed the build', { index, command: z.string().describe('What it was told: continue, step, retry...') }),
  event('shell-open', 'A shell opened', { chroot: z.boolean(), index: index.optional() }),
  event('shell-close', 'A shell closed', { chroot: z.boolean(), exitStatus: z.number().int().nullable() }),
  event('info', 'A message of the build', { index: index.optional(), message: z.string() }),
  event('warning', 'A warning', { index: index.optional(), message: z.string() }),
  event('diagnostic', 'A message about the machine (VM boot, KVM probe)', { source: z.string(), message: z.string() }),
  event('snapshot', "The root's state before an action was kept, to go back to", { index, layer: z.string() }),
  event('rewind', 'The debugger went back to the root as it was before an action', { index }),
  event('cache', 'Whether an action comes from the layer cache, and why it does or does not', {
    index,
    hit: z.boolean(),
    reason: z.string(),
  }),
] as const;

/** A build event as the engine emits it and sinks read it. */
export const buildEventSchema = z.discriminatedUnion('type', variants);
export type BuildEvent = z.infer<typeof buildEventSchema>;

/** A line of JSON Lines: an event with the schema version. */
export const eventLineSchema = z
  .discriminatedUnion('type', variants.map((v) => v.extend({ v: z.literal(EVENTS_VERSION).describe('The events schema version') }).describe(v.description!)) as unknown as typeof variants)
  .describe(`A debstep build event (schema version ${EVENTS_VERSION}), one JSON object a line`);

/** docs/events.schema.json: the JSON Schema of a line. */
export const eventsJsonSchema = () => z.toJSONSchema(eventLineSchema);

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

  /** Closes every sink, then throws the first failure (a log that could not be written). */
  async close(): Promise<void> {
    let failure: { error: unknown } | undefined;
    for (const sink of this.sinks) await sink.close?.().catch((error: unknown) => (failure ??= { error }));
    if (failure) throw failure.error;
  }
}
