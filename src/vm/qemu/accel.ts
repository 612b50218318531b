// KVM or TCG. `auto` uses KVM only when the KVM check (accel-probe.ts: the build's kernel
// booted to its init under KVM) says it works, and otherwise says out loud that it falls
// back to the much slower TCG, and why.
import { HostError } from '../../core/errors.js';
import { kvmProblem } from './accel-probe.js';

export type AccelChoice = 'kvm' | 'tcg' | 'auto';

export interface AccelDecision {
  readonly accel: 'kvm' | 'tcg';
  /** A sentence for the diagnostics and Machine.reason. */
  readonly reason: string;
}

/** What to tell a user whose KVM does not work for the VM. */
export const KVM_HINT = 'build with -b qemu (or --accel tcg) instead: emulation, slower, but it needs no KVM';

export async function decideAccel(choice: AccelChoice, problem: () => Promise<string | undefined> = () => kvmProblem()): Promise<AccelDecision> {
  if (choice === 'tcg') return { accel: 'tcg', reason: 'TCG (software emulation), as requested' };
  const why = await problem();
  if (why === undefined) return { accel: 'kvm', reason: 'KVM (the probe booted this kernel to its init under KVM)' };
  if (choice === 'kvm') throw new HostError(`KVM was requested but does not work: ${why}`, { hint: KVM_HINT });
  return { accel: 'tcg', reason: `TCG (software emulation, much slower), because KVM does not work: ${why}` };
}
