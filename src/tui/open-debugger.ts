// Puts the debugger together for one build: the store (an event sink), the screen with
// the Ink app, and the debugger that acts on keys. The CLI adds the store to the bus,
// opens the screen, and runs the build with the controller.
import { userInfo } from 'node:os';
import { createElement } from 'react';
import { formatBreakpoint, type Breakpoint, matches } from '../engine/controller/breakpoints.js';
import { Controller } from '../engine/controller/controller.js';
import type { EventBus } from '../core/events.js';
import type { Plan } from '../engine/recipe/plan.js';
import { DebugApp } from './components/DebugApp.js';
import { DebuggerStore } from './state/debugger-store.js';
import { Debugger, type DebuggerDeps } from './debugger.js';
import { stepInfo } from '../engine/recipe/plan.js';
import { stepSources } from './edit-plan.js';
import { Screen, type ScreenIo } from './screen.js';

export interface DebuggerOptions {
  readonly plan: Plan;
  readonly bus: EventBus;
  readonly breakpoints: readonly Breakpoint[];
  /** Pause before the first action. */
  readonly step: boolean;
  readonly verbose: boolean;
  readonly io: ScreenIo;
  readonly replan: DebuggerDeps['replan'];
  readonly editor: DebuggerDeps['editor'];
  readonly shell?: string;
}

export interface OpenDebugger {
  readonly controller: Controller;
  readonly debugger: Debugger;
  readonly screen: Screen;
  /** The error the screen crashed with, if it did (the build was stopped then). */
  readonly crashed: () => Error | undefined;
}

function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    // A uid without a passwd entry (containers): only a name to show.
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** Makes the debugger of a planned build; the screen is not open yet. */
export function openDebugger(o: DebuggerOptions): OpenDebugger {
  const infos = o.plan.steps.map(stepInfo);
  const controller = new Controller(infos, { breakpoints: o.breakpoints, stepFirst: o.step }, o.bus);
  const store = new DebuggerStore({ steps: infos, sources: stepSources(o.plan), control: controller.state, user: whoAmI(), verbose: o.verbose });
  o.bus.add(store);
  let dbg: Debugger | undefined;
  let crash: Error | undefined;
  const app = () => createElement(DebugApp, { store, onIntent: (intent) => dbg?.dispatch(intent) });
  const screen = new Screen(app, o.io, (err) => {
    crash = err;
    dbg?.stop(true);
  });
  dbg = new Debugger({ store, controller, terminal: screen, replan: o.replan, editor: o.editor, ...(o.shell ? { shell: o.shell } : {}) });
  const idle = o.breakpoints.filter((bp) => bp.type !== 'index' && !infos.some((s) => matches(bp, s)));
  if (idle.length) store.updateUi({ type: 'message', message: { text: `No action matches breakpoint ${idle.map(formatBreakpoint).join(', ')}.`, tone: 'error' } });
  return { controller, debugger: dbg, screen, crashed: () => crash };
}
