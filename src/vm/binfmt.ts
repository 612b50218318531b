// Can this machine run the target architecture's binaries? Foreign binaries run through
// binfmt_misc and qemu-user; when that is not set up, builds die late with "Exec format
// error". This module finds the missing piece and the command that fixes it. It is pure:
// the Machine supplies what /proc/sys/fs/binfmt_misc holds and runs the probe.

interface ArchInfo {
  /** ELF e_machine. */
  readonly machine: number;
  readonly elf64: boolean;
  /** qemu's name for the CPU (qemu-<cpu>, qemu-<cpu>-static). */
  readonly qemu: string;
  /** A program that exits with status 0, for the probe. */
  readonly exit0: readonly number[];
}

const le32 = (...words: number[]) => words.flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff]);

const ARCHES: Record<string, ArchInfo> = {
  amd64: { machine: 0x3e, elf64: true, qemu: 'x86_64', exit0: [0x31, 0xff, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05] },
  i386: { machine: 0x03, elf64: false, qemu: 'i386', exit0: [0x31, 0xdb, 0xb8, 0x01, 0, 0, 0, 0xcd, 0x80] },
  arm64: { machine: 0xb7, elf64: true, qemu: 'aarch64', exit0: le32(0xd2800000, 0xd2800ba8, 0xd4000001) },
  armhf: { machine: 0x28, elf64: false, qemu: 'arm', exit0: le32(0xe3a00000, 0xe3a07001, 0xef000000) },
  armel: { machine: 0x28, elf64: false, qemu: 'arm', exit0: le32(0xe3a00000, 0xe3a07001, 0xef000000) },
  riscv64: { machine: 0xf3, elf64: true, qemu: 'riscv64', exit0: le32(0x00000513, 0x05d00893, 0x00000073) },
};

/** The Debian architecture of this host's Node.js process. */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', riscv64: 'riscv64', ppc64: 'ppc64el', s390x: 's390x', loong64: 'loong64' };
  return map[process.arch] ?? process.arch;
}

/** Whether `arch` binaries need emulation on a `host` machine. */
export function isForeign(arch: string, host: string = hostArchitecture()): boolean {
  if (arch === host) return false;
  // 64-bit x86 kernels run 32-bit x86 binaries natively.
  return !(host === 'amd64' && arch === 'i386');
}

/**
 * A host architecture runs natively; another one that needs no emulation (i386 on amd64)
 * runs only if the kernel has its compatibility mode, which some kernels leave out or
 * turn off: the probe tells.
 */
async function diagnoseNative(arch: string, view: BinfmtView): Promise<Diagnosis> {
  const host = hostArchitecture();
  if (arch === host) return { ok: true, problem: `${arch} binaries run natively` };
  const program = probeProgram(arch);
  const error = program && (await view.runProbe(program));
  if (error === undefined) return { ok: true, problem: `${arch} binaries run natively on this ${host} kernel` };
  return {
    ok: false,
    problem: `this ${host} kernel does not run ${arch} programs (it was built without IA32 emulation or booted with ia32_emulation=0): ${error}`,
    remedy: `build with --backend vm (the VM's kernel runs them), or boot the host with ia32_emulation=1`,
  };
}

export function qemuName(arch: string): string | undefined {
  return ARCHES[arch]?.qemu;
}

/** A static ELF program for `arch` that exits 0, or undefined when we have none. */
export function probeProgram(arch: string): Buffer | undefined {
  const a = ARCHES[arch];
  if (!a) return undefined;
  const vaddr = a.elf64 ? 0x400000 : 0x10000;
  const ehsize = a.elf64 ? 64 : 52;
  const phsize = a.elf64 ? 56 : 32;
  const size = ehsize + phsize + a.exit0.length;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, a.elf64 ? 2 : 1, 1, 1]);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(a.machine, 18);
  b.writeUInt32LE(1, 20);
  const entry = vaddr + ehsize + phsize;
  if (a.elf64) {
    b.writeBigUInt64LE(BigInt(entry), 24);
    b.writeBigUInt64LE(64n, 32); // e_phoff
    b.writeUInt16LE(ehsize, 52);
    b.writeUInt16LE(phsize, 54);
    b.writeUInt16LE(1, 56);
    b.writeUInt32LE(1, 64); // PT_LOAD
    b.writeUInt32LE(5, 68); // R+X
    b.writeBigUInt64LE(BigInt(vaddr), 80);
    b.writeBigUInt64LE(BigInt(vaddr), 88);
    b.writeBigUInt64LE(BigInt(size), 96);
    b.writeBigUInt64LE(BigInt(size), 104);
    b.writeBigUInt64LE(0x1000n, 112);
  } else {
    b.writeUInt32LE(entry, 24);
    b.writeUInt32LE(52, 28); // e_phoff
    if (a.machine === 0x28) b.writeUInt32LE(0x05000400, 36); // EABI5, hard float
    b.writeUInt16LE(ehsize, 40);
    b.writeUInt16LE(phsize, 42);
    b.writeUInt16LE(1, 44);
    b.writeUInt32LE(1, 52); // PT_LOAD
    b.writeUInt32LE(vaddr, 60);
    b.writeUInt32LE(vaddr, 64);
    b.writeUInt32LE(size, 68);
    b.writeUInt32LE(size, 72);
    b.writeUInt32LE(5, 76);
    b.writeUInt32LE(0x1000, 80);
  }
  b.set(a.exit0, ehsize + phsize);
  return b;
}

export interface BinfmtEntry {
  readonly name: string;
  readonly enabled: boolean;
  readonly interpreter: string;
  readonly flags: string;
  /** Hex of the magic and mask, as the kernel prints them. */
  readonly magic: string;
  readonly mask: string;
}

/** Parses one /proc/sys/fs/binfmt_misc/<name> file. */
export function parseEntry(name: string, text: string): BinfmtEntry {
  const field = (key: string) => text.split('\n').find((l) => l.startsWith(key + ' '))?.slice(key.length + 1).trim() ?? '';
  return {
    name,
    enabled: text.startsWith('enabled'),
    interpreter: field('interpreter'),
    flags: field('flags:'),
    magic: field('magic'),
    mask: field('mask'),
  };
}

/** Whether an entry's magic matches ELF binaries of `arch` (class and e_machine). */
export function handles(entry: BinfmtEntry, arch: string): boolean {
  const a = ARCHES[arch];
  if (!a || entry.magic.length < 40) return false;
  const byte = (hex: string, i: number) => parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const maskAt = (i: number) => (entry.mask ? byte(entry.mask, i) : 0xff);
  const want: [number, number][] = [[0, 0x7f], [1, 0x45], [2, 0x4c], [3, 0x46], [4, a.elf64 ? 2 : 1], [18, a.machine & 0xff], [19, a.machine >> 8]];
  return want.every(([i, v]) => (byte(entry.magic, i) & maskAt(i)) === (v & maskAt(i)));
}

/** What the Machine reports about its binfmt_misc. */
export interface BinfmtView {
  /** undefined when binfmt_misc is not mounted. */
  readonly status: 'enabled' | 'disabled' | undefined;
  readonly entries: readonly BinfmtEntry[];
  /** Whether a path exists inside the target root (for handlers without the F flag). */
  readonly inRoot: (path: string) => Promise<boolean>;
  /** Runs the probe program; resolves to its error text, or undefined when it ran. */
  readonly runProbe: (program: Buffer) => Promise<string | undefined>;
}

export interface Diagnosis {
  readonly ok: boolean;
  /** What is wrong, in a sentence; or what works. */
  readonly problem: string;
  /** The command that fixes it. */
  readonly remedy?: string;
}

/** Finds what stops `arch` binaries from running, checking piece by piece. */
export async function diagnoseArch(arch: string, view: BinfmtView): Promise<Diagnosis> {
  if (!isForeign(arch)) return diagnoseNative(arch, view);
  const cpu = qemuName(arch);
  if (!cpu) return { ok: false, problem: `debstep does not know how to run ${arch} binaries on this host` };
  if (view.status === undefined) {
    return { ok: false, problem: 'binfmt_misc is not mounted, so the kernel cannot hand foreign binaries to qemu', remedy: 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc' };
  }
  if (view.status === 'disabled') {
    return { ok: false, problem: 'binfmt_misc is disabled', remedy: 'echo 1 > /proc/sys/fs/binfmt_misc/status' };
  }
  const entry = view.entries.find((e) => handles(e, arch) && e.enabled) ?? view.entries.find((e) => handles(e, arch));
  if (!entry) {
    return { ok: false, problem: `no binfmt_misc handler is registered for ${arch} (${cpu}) binaries`, remedy: 'apt-get install qemu-user-static binfmt-support' };
  }
  if (!entry.enabled) {
    return { ok: false, problem: `the binfmt_misc handler ${entry.name} for ${arch} is disabled`, remedy: `update-binfmts --enable ${entry.name}` };
  }
  if (!entry.flags.includes('F') && !(await view.inRoot(entry.interpreter))) {
    return {
      ok: false,
      problem: `the binfmt_misc handler ${entry.name} lacks the F flag, and its interpreter ${entry.interpreter} is not inside the root, so chroot commands cannot start`,
      remedy: 'apt-get install qemu-user-static binfmt-support (its handlers have the F flag)',
    };
  }
  const program = probeProgram(arch);
  const error = program && (await view.runProbe(program));
  if (error !== undefined) {
    return { ok: false, problem: `a trivial ${arch} program does not run through ${entry.name} (${entry.interpreter}): ${error}`, remedy: `ls -l ${entry.interpreter}; update-binfmts --display ${entry.name}` };
  }
  return { ok: true, problem: `${arch} binaries run through ${entry.name} (${entry.interpreter}, flags ${entry.flags || 'none'})` };
}
