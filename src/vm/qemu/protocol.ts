// What the host and the guest agent say to each other over the virtio-serial control
// channel: one JSON object per line. Requests carry an id; the guest answers with streamed
// output, pty data, and one final exit, result or error for that id. The serial console
// stays free for the kernel and init, so a dying guest can still say why. Framing is in
// framing.ts; these schemas are the host's, which validates what the guest sends.
import { z } from 'zod';
import type { FrameCheck } from './framing.js';

const env = z.record(z.string(), z.string());
const bind = z.object({ source: z.string(), target: z.string(), readOnly: z.boolean().optional() });
const layers = z.object({ dir: z.string(), upper: z.string(), work: z.string(), lowers: z.array(z.string()) });

/** Root file operations and machine calls, run by the agent with HostMachine's code. */
export const callSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('resolve'), path: z.string() }),
  z.object({ method: z.literal('exists'), path: z.string() }),
  z.object({ method: z.literal('readFile'), path: z.string() }),
  /** data in base64. */
  z.object({ method: z.literal('writeFile'), path: z.string(), data: z.string(), mode: z.number().optional() }),
  z.object({ method: z.literal('remove'), path: z.string() }),
  z.object({ method: z.literal('rename'), from: z.string(), to: z.string() }),
  z.object({ method: z.literal('mkdir'), path: z.string(), mode: z.number().optional() }),
  z.object({ method: z.literal('copyIn'), source: z.string(), destination: z.string() }),
  z.object({ method: z.literal('diagnoseArch'), arch: z.string() }),
  z.object({ method: z.literal('mountRoot'), layers: layers.nullable() }),
  z.object({ method: z.literal('dropLayers'), dir: z.string(), names: z.array(z.string()) }),
  /** Disk images (machine.ts attachImage and after): the disk with this serial, emptied
   * first when `wipe` (it was used before, by an earlier attempt). */
  z.object({ method: z.literal('imageDisk'), serial: z.string(), wipe: z.boolean() }),
  z.object({ method: z.literal('partitionDevices'), device: z.string(), numbers: z.array(z.number()) }),
  z.object({ method: z.literal('detachImage'), device: z.string() }),
  z.object({ method: z.literal('showImageAsRoot'), dir: z.string().nullable() }),
  /** The layer store (machine.ts LayerStore), on the VM's store disk. */
  z.object({ method: z.literal('storeCreate'), id: z.string() }),
  z.object({ method: z.literal('storeHas'), id: z.string() }),
  z.object({ method: z.literal('storeList') }),
  z.object({ method: z.literal('storeRemove'), ids: z.array(z.string()) }),
  z.object({ method: z.literal('storeSeal'), id: z.string() }),
]);
export type Call = z.infer<typeof callSchema>;

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('exec'),
    id: z.number(),
    argv: z.array(z.string()).min(1),
    chroot: z.boolean(),
    label: z.string(),
    env: env.optional(),
    cwd: z.string().optional(),
    binds: z.array(bind).optional(),
    stdin: z.string().optional(),
  }),
  z.object({ type: z.literal('cancel'), id: z.number() }),
  z.object({
    type: z.literal('shell'),
    id: z.number(),
    chroot: z.boolean(),
    shell: z.string(),
    cwd: z.string().optional(),
    env: env.optional(),
    binds: z.array(bind).optional(),
    cols: z.number(),
    rows: z.number(),
  }),
  z.object({ type: z.literal('pty-input'), id: z.number(), data: z.string() }),
  z.object({ type: z.literal('pty-resize'), id: z.number(), cols: z.number(), rows: z.number() }),
  z.object({ type: z.literal('pty-kill'), id: z.number() }),
  z.object({ type: z.literal('call'), id: z.number(), call: callSchema }),
  /** Unmount, sync and power off. */
  z.object({ type: z.literal('shutdown'), id: z.number() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

const stream = z.enum(['stdout', 'stderr']);

export const guestMessageSchema = z.discriminatedUnion('type', [
  /** In seconds: the guest's uptime; how long node took to load the agent, and to get here. */
  z.object({ type: z.literal('ready'), kernel: z.string(), uptime: z.number(), agentLoaded: z.number(), agentUptime: z.number() }),
  /** Sent every few seconds, so the host can tell a busy guest from a dead one. */
  z.object({ type: z.literal('alive') }),
  /** Output lines of one exec, oldest first, stdout and stderr interleaved as they came. */
  z.object({ type: z.literal('output'), id: z.number(), lines: z.array(z.tuple([stream, z.string()])) }),
  z.object({
    type: z.literal('exit'),
    id: z.number(),
    exitStatus: z.number().nullable(),
    signal: z.string().nullable(),
    durationMs: z.number(),
    outputTail: z.array(z.string()),
  }),
  z.object({ type: z.literal('pty-data'), id: z.number(), data: z.string() }),
  z.object({ type: z.literal('pty-exit'), id: z.number(), status: z.number().nullable() }),
  z.object({ type: z.literal('result'), id: z.number(), value: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number(), message: z.string(), hint: z.string().optional() }),
  /** Something the agent wants in the diagnostics. */
  z.object({ type: z.literal('log'), message: z.string() }),
]);
export type GuestMessage = z.infer<typeof guestMessageSchema>;

/** A frame check that validates with `schema` (the host's side: it trusts nothing the
 * guest sends). */
export function checkWith<T>(schema: z.ZodType<T>): FrameCheck<T> {
  return (value) => {
    const r = schema.safeParse(value);
    return r.success ? { ok: true, message: r.data } : { ok: false, why: r.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
  };
}

/** What the agent is told at start (a JSON file on a share it can read). */
export const agentConfigSchema = z.object({
  /** The virtio-serial port name of the control channel. */
  port: z.string(),
  rootDir: z.string(),
  /** Milliseconds between `alive` messages. */
  aliveEveryMs: z.number(),
  /** Where the layer store's disk is mounted, when the VM has it. */
  storeDir: z.string().optional(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;
