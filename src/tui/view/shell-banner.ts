// What is printed before a shell opens: where it runs and, after a failure, the command
// that failed and how, since in the shell one usually runs it again by hand.
import type { Pause } from '../../engine/controller/reducer.js';
import { shellQuote } from '../../engine/sinks/text.js';
import type { StepView } from '../state/build-progress.js';

export interface ShellPlace {
  readonly chroot: boolean;
  readonly rootDir: string;
  readonly workspace: string;
}

export function shellBanner(place: ShellPlace, pause: Pause, step: StepView | undefined): string[] {
  const title = step ? `action ${pause.index} (${step.description})` : `action ${pause.index}`;
  const where = place.chroot ? `in the root, with the environment of ${title}` : `on the build host in the workspace ${place.workspace} (the root is ${place.rootDir})`;
  const lines = [`debstep: a shell ${where}.`];
  if (pause.reason === 'failure') {
    lines.push(`Action ${pause.index} failed: ${pause.error ?? 'see the log'}`);
    const c = step?.command;
    if (c?.end && c.end.exitStatus !== 0) {
      lines.push(`  failed command (${c.chroot ? 'in the root' : 'on the build host'}): ${shellQuote(c.argv)}`);
      lines.push(`  exit status: ${c.end.exitStatus ?? `killed by ${c.end.signal}`}`);
    }
  } else {
    lines.push(`The build is paused before ${title} (${pause.reason}).`);
  }
  lines.push('Changes to the root stay in it. Exit the shell (exit or Ctrl-D) to return to the debugger.', '');
  return lines;
}
