// KVM or TCG. `auto` uses KVM only when a probe guest proves it works (here /dev/kvm
// exists but `-cpu host` fails at once), and otherwise says out loud that it falls back
// to the much slower TCG, and why.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { HostError } from '../../engine/errors.js';
import { type ProbeResult, probeAccel } from './accel-probe.js';

export type AccelChoice = 'kvm' | 'tcg' | 'auto';

export interface AccelDecision {
  readonly accel: 'kvm' | 'tcg';
  /** A sentence for the diagnostics and Machine.reason. */
  readonly reason: string;
}

export type Prober = (accel: 'kvm', timeoutMs: number) => Promise<ProbeResult>;

const KVM = '/dev/kvm';

export async function decideAccel(choice: AccelChoice, probe: Prober = probeAccel, kvmDevice = KVM): Promise<AccelDecision> {
  if (choice === 'tcg') return { accel: 'tcg', reason: 'TCG (software emulation), as requested' };
  const usable = await access(kvmDevice, constants.R_OK | constants.W_OK).then(() => undefined, (err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' ? `${kvmDevice} does not exist` : `${kvmDevice} is not usable (${err.code}; is the user in the kvm group?)`,
  );
  const result = usable === undefined ? await probe('kvm', 4000) : { works: false, detail: usable, ms: 0 };
  if (result.works) return { accel: 'kvm', reason: `KVM (${result.detail})` };
  if (choice === 'kvm') {
    throw new HostError(`KVM was requested but does not work: ${result.detail}`, { hint: 'use the qemu backend (TCG) or auto, which falls back to it' });
  }
  return { accel: 'tcg', reason: `TCG (software emulation, much slower), because KVM does not work: ${result.detail}` };
}
