// KVM or TCG. `auto` uses KVM only when a probe guest proves it works (here /dev/kvm
// exists but `-cpu host` fails at once), and otherwise says out loud that it falls back
// to the much slower TCG, and why.
import { HostError } from '../../engine/errors.js';
import { kvmProblem } from './accel-probe.js';

export type AccelChoice = 'kvm' | 'tcg' | 'auto';

export interface AccelDecision {
  readonly accel: 'kvm' | 'tcg';
  /** A sentence for the diagnostics and Machine.reason. */
  readonly reason: string;
}

export async function decideAccel(choice: AccelChoice, problem: () => Promise<string | undefined> = kvmProblem): Promise<AccelDecision> {
  if (choice === 'tcg') return { accel: 'tcg', reason: 'TCG (software emulation), as requested' };
  const why = await problem();
  if (why === undefined) return { accel: 'kvm', reason: 'KVM (a probe guest ran)' };
  if (choice === 'kvm') {
    throw new HostError(`KVM was requested but does not work: ${why}`, { hint: 'use the qemu backend (TCG) or auto, which falls back to it' });
  }
  return { accel: 'tcg', reason: `TCG (software emulation, much slower), because KVM does not work: ${why}` };
}
