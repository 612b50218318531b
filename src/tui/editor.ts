// The editor for `e`: $EDITOR (which may carry arguments, as in "code -w"), else vi, in a
// pty so the debugger's terminal hand-over works the same as for shells.
import type { PtySession } from '../util/pty.js';
import { spawnPty } from '../util/pty.js';
import type { Size } from './view/layout.js';

/** The argv that opens `file` in the user's editor; the shell splits $EDITOR. */
export function editorArgv(file: string): string[] {
  return ['/bin/sh', '-c', 'exec ${EDITOR:-vi} "$1"', 'debstep-editor', file];
}

export function openEditor(file: string, size: Size): Promise<PtySession> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return Promise.resolve(spawnPty(editorArgv(file), { env, cwd: process.cwd(), cols: size.columns, rows: size.rows }));
}
