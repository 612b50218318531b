// The guest agent: started by the guest's /init with the host's own node binary, it runs
// the host's requests with HostMachine's code (chroot in a private mount namespace,
// root-confined file operations, overlay mounting, node-pty shells), so a command behaves
// in the VM exactly as it does on the host backend.
import { createWriteStream, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { release, uptime } from 'node:os';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { DebstepError } from '../../core/errors.js';
import type { Stream } from '../../core/stream.js';
import { HostMachine } from '../host/host-machine.js';
import { hasVolatileOverlay } from '../host/overlay-mount.js';
import { start as startProcess } from '../../util/process.js';
import { diskBySerial, quietRun, wipeDisk } from '../host/block-devices.js';
import type { PtySession } from '../../util/pty.js';
import { BUSYBOX, READY_MARK } from './init-script.js';
import { FrameDecoder, encodeFrame } from './framing.js';
// A type-only import: the statement (and zod with it) is erased from the agent.
import type { AgentConfig, Call, GuestMessage, HostMessage } from './protocol.js';

/** The device of the virtio-serial port named `name`. */
function findPort(name: string): string | undefined {
  const base = '/sys/class/virtio-ports';
  for (const dev of existsSync(base) ? readdirSync(base) : []) {
    if (readFileSync(join(base, dev, 'name'), 'utf8').trim() === name) return `/dev/${dev}`;
  }
  return undefined;
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

async function main(configFile: string): Promise<void> {
  const loaded = process.uptime();
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as AgentConfig;
  const machine = new HostMachine(config.rootDir, 'inside the VM', {
    ...(config.storeDir ? { store: { dir: config.storeDir, durable: true } } : {}),
    volatileRoot: hasVolatileOverlay(release()),
  });
  // init loads the remaining modules and mounts the disks while node starts up.
  await waitFor(() => existsSync(READY_MARK));
  const device = findPort(config.port);
  if (!device) throw new Error(`no virtio-serial port named ${config.port} (is virtio_console loaded?)`);
  // A virtio port opens once: the reader below shares this descriptor.
  const fd = openSync(device, 'r+');
  const out = createWriteStream('', { fd, autoClose: false });
  const send = (m: GuestMessage) => void out.write(encodeFrame(m));
  const log = (message: string) => send({ type: 'log', message });
  // Reading the port in node would park a libuv thread in a blocking read(), and node
  // waits for its threads when it exits: a cat child reads instead, into a pipe.
  const reader = startProcess([BUSYBOX, 'cat'], { stdio: [fd, 'pipe', 'inherit'] });
  const requests = reader.stdout;
  if (!requests) throw new Error('cannot read the control port');
  let shuttingDown = false;
  // The host went away: nothing left to do but let init power the VM off. SIGKILL, since
  // a write to a port nobody reads blocks a thread node would wait for.
  const hostGone = () => {
    if (!shuttingDown) process.kill(process.pid, 'SIGKILL');
  };
  reader.on('exit', hostGone);
  // A write to the port fails only when the host went away: the same, not a crash report.
  out.on('error', hostGone);

  const running = new Map<number, AbortController>();
  const ptys = new Map<number, PtySession>();
  // Output lines are sent in batches: thousands of one-line frames cost more than the lines.
  const pending = new Map<number, [Stream, string][]>();
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    for (const [id, lines] of pending) send({ type: 'output', id, lines });
    pending.clear();
  };
  const output = (id: number) => (stream: Stream, line: string) => {
    const lines = pending.get(id) ?? [];
    lines.push([stream, line]);
    pending.set(id, lines);
    if (lines.length >= 500) flush();
    else if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  };
  const fail = (id: number, err: unknown) => {
    flush();
    const hint = err instanceof DebstepError ? err.hint : undefined;
    send({ type: 'error', id, message: err instanceof Error ? err.message : String(err), ...(hint ? { hint } : {}) });
  };

  const handle = async (m: HostMessage): Promise<void> => {
    switch (m.type) {
      case 'exec': {
        const abort = new AbortController();
        running.set(m.id, abort);
        try {
          const { type: _t, id: _i, ...req } = m;
          const result = await machine.exec({ ...req, signal: abort.signal }, output(m.id));
          flush();
          send({ type: 'exit', id: m.id, ...result, outputTail: [...result.outputTail] });
        } finally {
          running.delete(m.id);
        }
        return;
      }
      case 'cancel':
        running.get(m.id)?.abort();
        return;
      case 'shell': {
        const { type: _t, id: _i, ...req } = m;
        const pty = await machine.shell(req);
        ptys.set(m.id, pty);
        pty.onData((data) => send({ type: 'pty-data', id: m.id, data }));
        pty.onExit((status) => {
          ptys.delete(m.id);
          send({ type: 'pty-exit', id: m.id, status });
        });
        send({ type: 'result', id: m.id, value: null });
        return;
      }
      case 'pty-input':
        ptys.get(m.id)?.write(m.data);
        return;
      case 'pty-resize':
        ptys.get(m.id)?.resize(m.cols, m.rows);
        return;
      case 'pty-kill':
        ptys.get(m.id)?.kill();
        return;
      case 'call':
        send({ type: 'result', id: m.id, value: await call(machine, m.call) });
        return;
      case 'shutdown':
        shuttingDown = true;
        reader.kill();
        for (const pty of ptys.values()) pty.kill();
        for (const abort of running.values()) abort.abort();
        await machine.close();
        send({ type: 'result', id: m.id, value: null });
        out.end(() => process.exit(0));
        return;
    }
  };

  // The host is trusted (it started this VM) and typed; zod stays out of the guest.
  const decoder = new FrameDecoder<HostMessage>(
    (value) => ({ ok: true, message: value as HostMessage }),
    (m) => void handle(m).catch((err: unknown) => fail(m.id, err)),
    (why) => log(`agent: ignored a bad request: ${why}`),
  );
  requests.setEncoding('utf8');
  requests.on('data', (chunk: string) => decoder.push(chunk));
  setInterval(() => send({ type: 'alive' }), config.aliveEveryMs);
  // Not os.release(): node reads it once, when os loads, which for the snapshot was on the host.
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  send({ type: 'ready', kernel, uptime: uptime(), agentLoaded: loaded, agentUptime: process.uptime() });
}

async function call(machine: HostMachine, c: Call): Promise<unknown> {
  const files = machine.files;
  switch (c.method) {
    case 'resolve':
      return files.resolve(c.path);
    case 'exists':
      return files.exists(c.path);
    case 'readFile':
      return (await files.readFile(c.path)).toString('base64');
    case 'writeFile':
      return files.writeFile(c.path, Buffer.from(c.data, 'base64'), c.mode).then(() => null);
    case 'remove':
      return files.remove(c.path).then(() => null);
    case 'rename':
      return files.rename(c.from, c.to).then(() => null);
    case 'mkdir':
      return files.mkdir(c.path, c.mode).then(() => null);
    case 'copyIn':
      return files.copyIn(c.source, c.destination).then(() => null);
    case 'diagnoseArch':
      return machine.diagnoseArch(c.arch);
    case 'mountRoot':
      return machine.mountRoot(c.layers ?? undefined).then(() => null);
    case 'dropLayers':
      return machine.dropLayers(c.dir, c.names).then(() => null);
    case 'imageDisk': {
      const disk = await diskBySerial(c.serial);
      if (c.wipe) await wipeDisk(disk.path, quietRun);
      return disk;
    }
    case 'partitionDevices':
      return machine.partitionDevices(c.device, c.numbers);
    case 'detachImage':
      return machine.detachImage(c.device).then(() => null);
    case 'showImageAsRoot':
      return machine.showImageAsRoot(c.dir ?? undefined).then(() => null);
    default:
      return storeCall(machine, c);
  }
}

type StoreCall = Extract<Call, { method: `store${string}` }>;

async function storeCall(machine: HostMachine, c: StoreCall): Promise<unknown> {
  const store = machine.layerStore;
  if (!store) throw new Error('this VM has no layer store');
  switch (c.method) {
    case 'storeCreate':
      return store.create(c.id).then(() => null);
    case 'storeHas':
      return store.has(c.id);
    case 'storeList':
      return store.list();
    case 'storeRemove':
      return store.remove(c.ids).then(() => null);
    case 'storeSeal':
      return store.seal(c.id).then(() => null);
  }
}

function start(configFile: string): void {
  main(configFile).catch((err: unknown) => {
    process.stderr.write(`debstep-agent: FATAL: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(2);
  });
}

// Loaded into a V8 startup snapshot (agent-snapshot.ts), the agent starts when node starts
// from it, and node's first argument is then the config; otherwise it is the script's.
if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(() => start(process.argv[1]!));
else start(process.argv[2]!);
