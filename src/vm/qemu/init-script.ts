// The guest's /init: a busybox sh script that brings the VM up and keeps PID 1 while the
// agent runs. Every step prints a `debstep-init:` line on the serial console, and any
// failure prints a FATAL line and powers the VM off at once, so the host reports a broken
// guest in seconds with the reason, instead of waiting for a result that never comes.
// The agent starts as soon as the shares it lives on are mounted, and loads (node under
// TCG takes a second or two) while init loads the other modules and sets up the disks,
// network and binfmt; it says it is ready only after init has written the ready mark.
// (Measured: the agent is ready ≈0.5 s sooner than when every module is loaded first.)

/** Where busybox and the modules live in the initramfs (outside /usr, which 9p covers). */
export const INITRAMFS_DIR = '/.debstep';
export const BUSYBOX = `${INITRAMFS_DIR}/busybox`;
/** Node's exit status when it cannot use the startup snapshot it was given. */
export const SNAPSHOT_REFUSED = 14;
/** init writes this once the guest is complete; the agent waits for it. */
export const READY_MARK = '/run/debstep/ready';

export interface ModuleLoad {
  readonly name: string;
  /** Path in the initramfs. */
  readonly path: string;
  readonly required: boolean;
  /** Loaded before the agent starts; the others load while it starts. */
  readonly beforeAgent: boolean;
}

/** A host directory the guest mounts: over 9p (its own virtio device), or bound from the
 * one read-only export of the host's / (binds cost nothing; each 9p device slows the boot). */
export type GuestMount =
  | {
      readonly type: '9p';
      readonly tag: string;
      readonly path: string;
      readonly readOnly: boolean;
      /** loose for what only the host changes; for what both sides write, see sharedCache. */
      readonly cache: 'loose' | 'mmap' | 'none';
      /** Shown when the mount fails. */
      readonly hostPath: string;
    }
  | { readonly type: 'bind'; readonly source: string; readonly path: string; readonly hostPath: string };

export interface GuestDisk {
  /** The virtio-blk serial QEMU gives the disk; init finds /dev/vdX by it. */
  readonly serial: string;
  readonly path: string;
  readonly options: string;
}

export interface GuestPlan {
  /** In load order (those before the agent first). */
  readonly modules: readonly ModuleLoad[];
  /** In mount order: a parent before anything inside it. */
  readonly mounts: readonly GuestMount[];
  readonly msize: number;
  readonly agent: {
    readonly argv: readonly string[];
    /** When argv starts node from a startup snapshot: what to run if node refuses it. */
    readonly withoutSnapshot?: readonly string[];
    readonly env: Readonly<Record<string, string>>;
  };
  readonly disks: readonly GuestDisk[];
  readonly tmpfs: readonly string[];
  /** Directories to create after mounting (mount points such as the root). */
  readonly dirs: readonly string[];
  readonly network?: { readonly address: string; readonly gateway: string };
  /** Lines for /proc/sys/fs/binfmt_misc/register. */
  readonly binfmt: readonly string[];
}

/** Single-quotes a word for sh. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const PRELUDE = `#!${BUSYBOX} sh
BB=${BUSYBOX}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
say() { read -r t _ < /proc/uptime; echo "debstep-init: [$t] $*"; }
die() {
  echo "debstep-init: FATAL: $*"
  $BB sync
  $BB poweroff -f
  $BB sleep 5
  exit 1
}
load() {
  if err=$($BB insmod "$2" 2>&1); then say "loaded module $1"
  elif [ "$3" = required ]; then die "cannot load kernel module $1: $err"
  else say "optional module $1 did not load: $err"; fi
}
share() {
  $BB mkdir -p "$2" 2>/dev/null
  err=$($BB mount -t 9p -o "trans=virtio,version=9p2000.L,msize=$MSIZE,$3" "$1" "$2" 2>&1) || die "cannot mount the host's $4 at $2 over 9p: $err"
  say "mounted $4 at $2 ($3)"
}
bind() {
  $BB mkdir -p "$2" 2>/dev/null
  err=$($BB mount --bind "$1" "$2" 2>&1) || die "cannot show the host's $3 at $2: $err"
  say "bound the host's $3 at $2"
}
disk() {
  for s in /sys/block/vd*; do
    if [ "$($BB cat "$s/serial" 2>/dev/null)" = "$1" ]; then
      $BB mkdir -p "$2" 2>/dev/null
      err=$($BB mount -t ext4 -o "$3" "/dev/\${s##*/}" "$2" 2>&1) || die "cannot mount disk $1 at $2: $err"
      say "mounted disk $1 (/dev/\${s##*/}) at $2"
      return
    fi
  done
  die "no disk with serial $1 (is virtio_blk loaded?)"
}
$BB mount -t proc -o nosuid,nodev,noexec proc /proc || die "cannot mount /proc"
$BB mount -t sysfs -o nosuid,nodev,noexec sysfs /sys || die "cannot mount /sys"
$BB mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev || die "cannot mount /dev"
$BB mkdir -p /dev/pts /dev/shm /run/debstep
$BB mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=666 devpts /dev/pts || die "cannot mount /dev/pts"
$BB mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
$BB ln -sf /proc/self/fd /dev/fd; $BB ln -sf fd/0 /dev/stdin; $BB ln -sf fd/1 /dev/stdout; $BB ln -sf fd/2 /dev/stderr
$BB hostname debstep-vm
say "kernel up"
`;

const loads = (modules: readonly ModuleLoad[]) => modules.map((m) => `load ${m.name} ${shellQuote(m.path)} ${m.required ? 'required' : 'optional'}`);

/** The /init script for `plan`. */
export function initScript(plan: GuestPlan): string {
  const lines = [
    PRELUDE.trimEnd(),
    `MSIZE=${plan.msize}`,
    ...loads(plan.modules.filter((m) => m.beforeAgent)),
    ...plan.mounts.map(mountLine),
    `say "starting the agent"`,
    agentLine(plan.agent),
    'agent=$!',
    ...loads(plan.modules.filter((m) => !m.beforeAgent)),
    ...plan.disks.map((d) => `disk ${shellQuote(d.serial)} ${shellQuote(d.path)} ${shellQuote(d.options)}`),
    ...plan.tmpfs.map((t) => `$BB mkdir -p ${shellQuote(t)} && $BB mount -t tmpfs -o mode=1777 tmpfs ${shellQuote(t)} || die ${shellQuote(`cannot mount a tmpfs at ${t}`)}`),
    ...plan.dirs.map((d) => `$BB mkdir -p ${shellQuote(d)} || die ${shellQuote(`cannot create ${d}`)}`),
    ...networkLines(plan.network),
    ...binfmtLines(plan.binfmt),
    `: > ${READY_MARK}`,
    'say "guest ready"',
    'wait $agent; status=$?',
    '[ $status = 0 ] || say "the agent exited with status $status"',
    ...[...plan.disks].reverse().map((d) => `$BB umount ${shellQuote(d.path)} 2>/dev/null`),
    '$BB sync',
    '$BB poweroff -f',
    '',
  ];
  return lines.join('\n');
}

/** Starts the agent in the background; from its snapshot, and again without it if node refuses it. */
function agentLine(agent: GuestPlan['agent']): string {
  const env = Object.entries(agent.env).map(([k, v]) => shellQuote(`${k}=${v}`)).join(' ');
  const run = (argv: readonly string[]) => `$BB env -i ${env} ${argv.map(shellQuote).join(' ')}`;
  if (!agent.withoutSnapshot) return `${run(agent.argv)} &`;
  return `( ${run(agent.argv)}; s=$?; [ $s = ${SNAPSHOT_REFUSED} ] || exit $s; say "node refused the agent's snapshot; starting it without"; exec ${run(agent.withoutSnapshot)} ) &`;
}

function mountLine(m: GuestMount): string {
  if (m.type === 'bind') return `bind ${shellQuote(m.source)} ${shellQuote(m.path)} ${shellQuote(m.hostPath)}`;
  return `share ${m.tag} ${shellQuote(m.path)} ${[m.readOnly ? 'ro' : 'rw', `cache=${m.cache}`].join(',')} ${shellQuote(m.hostPath)}`;
}

function networkLines(net: GuestPlan['network']): string[] {
  if (!net) return ['$BB ip link set lo up'];
  return [
    '$BB ip link set lo up',
    `if $BB ip link set eth0 up 2>/dev/null && $BB ip addr add ${net.address} dev eth0 && $BB ip route add default via ${net.gateway}; then`,
    `  say "network: eth0 ${net.address} via ${net.gateway}"`,
    'else say "network: eth0 is missing or cannot be configured; the guest has no network"; fi',
  ];
}

function binfmtLines(registrations: readonly string[]): string[] {
  if (registrations.length === 0) return [];
  return [
    'if $BB mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || [ -e /proc/sys/fs/binfmt_misc/register ]; then',
    ...registrations.map((r) => `  printf '%s\\n' ${shellQuote(r)} > /proc/sys/fs/binfmt_misc/register 2>/dev/null || say ${shellQuote(`cannot register binfmt handler ${r.split(':')[1]}`)}`),
    `  say "binfmt_misc: ${registrations.length} handlers from the host registered"`,
    'else say "binfmt_misc is unavailable; foreign architectures will not run"; fi',
  ];
}
