// The host end of the control channel: a unix socket QEMU connects to at start-up and
// joins to the guest's virtio-serial port. Requests get ids; replies are routed back to
// the exec, call or shell waiting for them. When the guest dies, everything waiting is
// failed with the reason at once.
import { type Server, type Socket, createServer } from 'node:net';
import { BuildError } from '../../core/errors.js';
import type { ExecRequest, ExecResult, OutputSink, ShellRequest } from '../machine.js';
import type { PtySession } from '../../util/pty.js';
import { FrameDecoder, encodeFrame } from './framing.js';
import { type Call, type GuestMessage, type HostMessage, checkWith, guestMessageSchema } from './protocol.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Request = DistributiveOmit<HostMessage, 'id'>;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly onOutput?: OutputSink;
}

/** A shell's pty in the guest. What arrives before anyone listens is kept for the first
 * listener: the prompt often comes in the same read as the reply that opened the shell. */
class Session {
  private readonly data: ((data: string) => void)[] = [];
  private readonly exit: ((status: number | null) => void)[] = [];
  private early: string[] = [];
  private ended: { status: number | null } | undefined;

  onData(listener: (data: string) => void): void {
    this.data.push(listener);
    for (const d of this.early) listener(d);
    this.early = [];
  }

  onExit(listener: (status: number | null) => void): void {
    if (this.ended) listener(this.ended.status);
    else this.exit.push(listener);
  }

  receive(data: string): void {
    if (this.data.length === 0) this.early.push(data);
    for (const l of this.data) l(data);
  }

  end(status: number | null): void {
    if (this.ended) return;
    this.ended = { status };
    for (const l of this.exit) l(status);
  }
}

export interface ReadyInfo {
  readonly kernel: string;
  readonly uptime: number;
  readonly agentLoaded: number;
  readonly agentUptime: number;
}

export class ControlChannel {
  /** Settles with the agent's first message. */
  readonly ready: Promise<ReadyInfo>;
  /** When the guest last said anything, for the hang watchdog. */
  lastHeard = Date.now();
  private socket: Socket | undefined;
  private readonly server: Server;
  private readonly pending = new Map<number, Pending>();
  private readonly sessions = new Map<number, Session>();
  private nextId = 1;
  private failure: Error | undefined;
  private markReady!: (info: ReadyInfo) => void;
  private failReady!: (err: Error) => void;

  private constructor(
    private readonly onLog: (message: string) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // Only to keep an unhandled rejection away: whoever waits for ready gets the error.
    this.ready.catch(() => {});
    this.server = createServer((socket) => this.attach(socket));
  }

  /** Listens on `path` (before QEMU starts, so QEMU can connect). */
  static async listen(path: string, onLog: (message: string) => void): Promise<ControlChannel> {
    const channel = new ControlChannel(onLog);
    await new Promise<void>((resolve, reject) => {
      channel.server.once('error', reject);
      channel.server.listen(path, () => resolve());
    });
    return channel;
  }

  private attach(socket: Socket): void {
    if (this.socket) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    socket.setEncoding('utf8');
    const decoder = new FrameDecoder<GuestMessage>(checkWith(guestMessageSchema), (m) => this.receive(m), (why, frame) => this.onLog(`bad frame from the guest (${why}): ${frame.slice(0, 200)}`));
    socket.on('data', (chunk: string) => {
      this.lastHeard = Date.now();
      decoder.push(chunk);
    });
    socket.on('error', () => {});
  }

  private receive(m: GuestMessage): void {
    switch (m.type) {
      case 'ready':
        this.markReady({ kernel: m.kernel, uptime: m.uptime, agentLoaded: m.agentLoaded, agentUptime: m.agentUptime });
        return;
      case 'alive':
        return;
      case 'log':
        this.onLog(m.message);
        return;
      case 'output': {
        const sink = this.pending.get(m.id)?.onOutput;
        for (const [stream, line] of m.lines) sink?.(stream, line);
        return;
      }
      case 'pty-data':
        this.sessions.get(m.id)?.receive(m.data);
        return;
      case 'pty-exit':
        this.endSession(m.id, m.status);
        return;
      case 'exit': {
        const { type: _t, id: _i, ...result } = m;
        this.settle(m.id, (p) => p.resolve(result));
        return;
      }
      case 'result':
        this.settle(m.id, (p) => p.resolve(m.value));
        return;
      case 'error':
        this.settle(m.id, (p) => p.reject(new BuildError(m.message, m.hint === undefined ? {} : { hint: m.hint })));
        return;
    }
  }

  private settle(id: number, how: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    how(p);
  }

  private endSession(id: number, status: number | null): void {
    this.sessions.get(id)?.end(status);
    this.sessions.delete(id);
  }

  private send(m: HostMessage): void {
    this.socket?.write(encodeFrame(m));
  }

  private request(req: Request, onOutput?: OutputSink): { id: number; done: Promise<unknown> } {
    const id = this.nextId++;
    const done = new Promise<unknown>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.set(id, onOutput ? { resolve, reject, onOutput } : { resolve, reject });
      this.send({ ...req, id } as HostMessage);
    });
    return { id, done };
  }

  call(call: Call): Promise<unknown> {
    return this.request({ type: 'call', call }).done;
  }

  async exec(req: ExecRequest, output: OutputSink): Promise<ExecResult> {
    const { signal, ...rest } = req;
    const { id, done } = this.request({ type: 'exec', ...rest, argv: [...rest.argv], binds: rest.binds?.map((b) => ({ ...b })) }, output);
    const cancel = () => this.send({ type: 'cancel', id });
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return (await done) as ExecResult;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  async shell(req: ShellRequest): Promise<PtySession> {
    const { id, done } = this.request({ type: 'shell', ...req, binds: req.binds?.map((b) => ({ ...b })) });
    const session = new Session();
    this.sessions.set(id, session);
    try {
      await done;
    } catch (err) {
      this.sessions.delete(id);
      throw err;
    }
    return {
      onData: (l) => session.onData(l),
      onExit: (l) => session.onExit(l),
      write: (data) => this.send({ type: 'pty-input', id, data }),
      resize: (cols, rows) => this.send({ type: 'pty-resize', id, cols, rows }),
      kill: () => this.send({ type: 'pty-kill', id }),
    };
  }

  /** Asks the agent to unmount, sync and end; the guest then powers off. */
  async shutdown(): Promise<void> {
    await this.request({ type: 'shutdown' }).done;
  }

  /** The guest is gone: fails everything waiting, now and later. */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.failReady(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const id of [...this.sessions.keys()]) this.endSession(id, null);
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
