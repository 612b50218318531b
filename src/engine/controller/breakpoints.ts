// Breakpoints: before a plan index (`3`), before every action of a kind (`apt`), or
// before actions whose description matches a glob (`"Install*"`).
import type { StepInfo } from '../../core/events.js';

export type Breakpoint =
  | { readonly type: 'index'; readonly index: number }
  | { readonly type: 'kind'; readonly kind: string }
  | { readonly type: 'glob'; readonly pattern: string };

/** Reads a --break SPEC: digits are an index, a known action kind a kind, else a glob. */
export function parseBreakpoint(spec: string, kinds: readonly string[]): Breakpoint {
  if (/^\d+$/.test(spec)) return { type: 'index', index: Number(spec) };
  if (kinds.includes(spec)) return { type: 'kind', kind: spec };
  return { type: 'glob', pattern: spec };
}

export function formatBreakpoint(bp: Breakpoint): string {
  return bp.type === 'index' ? String(bp.index) : bp.type === 'kind' ? bp.kind : `"${bp.pattern}"`;
}

/** A shell-style glob (* and ?) as a whole-string, case-sensitive RegExp. */
function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function matches(bp: Breakpoint, step: StepInfo): boolean {
  switch (bp.type) {
    case 'index':
      return bp.index === step.index;
    case 'kind':
      return bp.kind === step.kind;
    case 'glob':
      return globRegExp(bp.pattern).test(step.description);
  }
}

export function sameBreakpoint(a: Breakpoint, b: Breakpoint): boolean {
  return formatBreakpoint(a) === formatBreakpoint(b) && a.type === b.type;
}
