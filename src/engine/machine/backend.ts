// Which machine runs the build, and why. debos's flags map onto ours:
// --disable-fakemachine is --backend host; -b kvm|qemu asks for the VM with that
// acceleration. `auto` takes the VM when KVM works (isolation at little cost), else the
// host when we are root and may mount (fast), else the VM under TCG (slow but needs no
// root: an ordinary user, or a container's root without CAP_SYS_ADMIN).
import { UsageError } from '../../core/errors.js';

export type Accel = 'kvm' | 'tcg' | 'auto';

export interface BackendRequest {
  readonly backend: 'auto' | 'host' | 'vm';
  readonly accel: Accel;
}

export interface BackendChoice {
  readonly backend: 'host' | 'vm';
  readonly accel: Accel;
  readonly reason: string;
}

/** Reconciles debos's flags with ours; conflicting ones are usage errors. */
export function backendRequest(opts: {
  backend?: string | undefined;
  disableFakemachine: boolean;
  fakemachineBackend?: string | undefined;
  accel?: string | undefined;
}): BackendRequest {
  const b = opts.fakemachineBackend;
  const fromDebos: Accel = b === 'kvm' ? 'kvm' : b === 'qemu' ? 'tcg' : 'auto';
  const ours = (opts.accel ?? 'auto') as Accel;
  if (fromDebos !== 'auto' && ours !== 'auto' && fromDebos !== ours) throw new UsageError(`--fakemachine-backend ${b} and --accel ${ours} contradict each other`);
  const accel = fromDebos !== 'auto' ? fromDebos : ours;
  if (opts.disableFakemachine) {
    if (fromDebos !== 'auto') throw new UsageError('--disable-fakemachine and --fakemachine-backend are mutually exclusive');
    if (ours !== 'auto') throw new UsageError('--disable-fakemachine takes no VM acceleration (--accel)');
    if (opts.backend === 'vm') throw new UsageError('--disable-fakemachine and --backend vm are mutually exclusive');
    return { backend: 'host', accel };
  }
  if (opts.backend === 'host' && accel !== 'auto') throw new UsageError('--backend host takes no VM acceleration (--fakemachine-backend, --accel)');
  const backend = (opts.backend ?? 'auto') as BackendRequest['backend'];
  return { backend: backend === 'auto' && accel !== 'auto' ? 'vm' : backend, accel };
}

export interface HostFacts {
  /** Root with CAP_SYS_ADMIN: what the host backend's mounts and chroot need. */
  readonly mayMount: boolean;
  /** undefined when KVM works, else why not. */
  readonly kvmProblem: () => Promise<string | undefined>;
}

export async function chooseBackend(req: BackendRequest, facts: HostFacts): Promise<BackendChoice> {
  if (req.backend === 'host') {
    return { backend: 'host', accel: 'auto', reason: 'asked for the host backend: chroot on this machine' };
  }
  if (req.backend === 'vm') {
    return { backend: 'vm', accel: req.accel, reason: `asked for the VM backend (acceleration ${req.accel})` };
  }
  const kvmProblem = await facts.kvmProblem();
  if (kvmProblem === undefined) return { backend: 'vm', accel: 'kvm', reason: 'KVM works: a VM with KVM' };
  if (facts.mayMount) return { backend: 'host', accel: 'auto', reason: `KVM does not work (${kvmProblem}); running as root: chroot on the host` };
  return { backend: 'vm', accel: 'tcg', reason: `KVM does not work (${kvmProblem}) and not root with CAP_SYS_ADMIN: a VM under TCG emulation (slower)` };
}
