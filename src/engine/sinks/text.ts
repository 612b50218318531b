// How events read as text, shared by the plain log and the full log file.
import type { BuildEvent } from '../../core/events.js';

/** Shell-like quoting of an argv for display, so a failed command can be pasted back. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * The lines an event shows as, or [] for events that show nothing at this verbosity.
 * `verbose` adds command lines, environments, stages and diagnostics.
 */
export function eventText(e: BuildEvent, verbose: boolean): string[] {
  switch (e.type) {
    case 'build-start':
      return [`Building ${e.recipe} for ${e.architecture} on the ${e.backend} backend (${e.backendReason})`, ...(verbose ? [`Workspace: ${e.workspace}`] : [])];
    case 'action-start':
      return [`==== ${e.description} ====${e.cached ? ' (cached)' : e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`];
    case 'action-end':
      if (e.status === 'skipped') return [`==== Skipped action ${e.index}; the build is tainted ====`];
      return verbose ? [`(action ${e.index} ${e.status} in ${seconds(e.durationMs)})`] : [];
    case 'command':
      if (!verbose) return [];
      return [`${e.label} | $ ${e.chroot ? '(in the root) ' : e.outside ? '(outside the VM) ' : ''}${shellQuote(e.argv)}`, ...Object.entries(e.env).map(([k, v]) => `${e.label} |   ${k}=${v}`)];
    case 'command-end':
      return verbose ? [`(exit status ${e.exitStatus ?? e.signal} after ${seconds(e.durationMs)})`] : [];
    case 'output':
      return [`${e.label} | ${e.text}`];
    case 'info':
      return [e.message];
    case 'warning':
      return [`warning: ${e.message}`];
    case 'diagnostic':
      // Sources emit the detailed ones only when verbose; the rest must be seen.
      return [`[${e.source}] ${e.message}`];
    case 'stage-start':
      return verbose && e.stage !== 'run' ? [`(${e.stage} of action ${e.index})`] : [];
    case 'paused':
      return [`---- paused before action ${e.index} (${e.reason}) ----`];
    case 'resumed':
      return verbose ? [`---- resumed: ${e.command} ----`] : [];
    case 'shell-open':
      return [`>>> Starting a shell ${e.chroot ? 'in the root' : 'on the build host'}`];
    case 'shell-close':
      return [`<<< Shell closed`];
    case 'build-end':
      if (e.status === 'success') return [`==== Recipe done${e.tainted ? ` (tainted: skipped ${e.skipped.join(', ')})` : ''} ====`];
      return [`==== Recipe ${e.status} after ${seconds(e.durationMs)} ====`];
    case 'cache':
      return verbose ? [e.hit ? `(action ${e.index} from the cache: ${e.reason})` : `(action ${e.index} runs, not from the cache: ${e.reason})`] : [];
    default:
      return [];
  }
}
