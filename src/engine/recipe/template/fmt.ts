// Go's fmt package, as far as templates reach it: Sprint, Sprintln, Sprintf.
// PLACEHOLDER API: the template helper that owns fmt replaces these bodies with a faithful
// port (verbs, flags, width, precision, Go's spacing rules). Signatures are the contract.
import { type GoValue } from './value.js';

/** fmt.Sprint(args...): spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  return args.map((a) => String(a)).join('');
}

/** fmt.Sprintln(args...): spaces between all operands, newline at the end. */
export function sprintln(args: readonly GoValue[]): string {
  return args.map((a) => String(a)).join(' ') + '\n';
}

/** fmt.Sprintf(format, args...). */
export function sprintf(format: string, args: readonly GoValue[]): string {
  return format + args.map((a) => String(a)).join('');
}
