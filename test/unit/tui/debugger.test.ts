import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { harness, until } from './harness.js';

const paused = (h: Awaited<ReturnType<typeof harness>>, reason?: string) => () => h.controller.state.pause !== undefined && (!reason || h.controller.state.pause.reason === reason);

test('n steps, c continues, and the selection follows the build', async (t) => {
  const h = await harness(t, { commands: ['echo one', 'echo two', 'echo three'], step: true });
  const outcome = h.run();
  await until(paused(h), 'the first pause');
  assert.equal(h.store.snapshot().ui.cursor, 1);
  h.dbg.dispatch({ type: 'command', command: 'step' });
  await until(() => h.controller.state.pause?.index === 2, 'the pause before action 2');
  assert.equal(h.store.snapshot().ui.cursor, 2);
  assert.deepEqual(h.commandsRun(), ['echo one']);
  h.dbg.dispatch({ type: 'command', command: 'continue' });
  assert.equal((await outcome).status, 'success');
  assert.deepEqual(h.commandsRun(), ['echo one', 'echo two', 'echo three']);
});

test('b toggles a breakpoint on the selected action', async (t) => {
  const h = await harness(t, { commands: ['echo one', 'echo two'], step: true });
  const outcome = h.run();
  await until(paused(h), 'the first pause');
  h.dbg.dispatch({ type: 'move', delta: 1 });
  h.dbg.dispatch({ type: 'breakpoint' });
  assert.deepEqual(h.controller.state.breakpoints, [{ type: 'index', index: 2 }]);
  h.dbg.dispatch({ type: 'breakpoint' });
  assert.deepEqual(h.controller.state.breakpoints, []);
  h.dbg.dispatch({ type: 'breakpoint' });
  h.dbg.dispatch({ type: 'command', command: 'continue' });
  await until(() => h.controller.state.pause?.index === 2, 'the breakpoint');
  assert.equal(h.controller.state.pause?.reason, 'breakpoint');
  h.dbg.dispatch({ type: 'command', command: 'continue' });
  assert.equal((await outcome).status, 'success');
});

test('a command that does nothing now says why', async (t) => {
  const h = await harness(t, { commands: ['false'] });
  const outcome = h.run();
  await until(paused(h, 'failure'), 'the failure');
  h.dbg.dispatch({ type: 'command', command: 'step' });
  assert.match(h.store.snapshot().ui.message?.text ?? '', /action 1 failed: retry, skip or quit/);
  h.dbg.dispatch({ type: 'command', command: 'skip' });
  const done = await outcome;
  assert.equal(done.status, 'success');
  assert.equal(done.tainted, true);
});

test('s at a failure prints the failed command and its exit status, then opens a shell in the root', async (t) => {
  const h = await harness(t, { commands: ['echo ok', 'false --now'] });
  h.machine.files.files.set('/bin/sh', Buffer.from(''));
  const outcome = h.run();
  await until(paused(h, 'failure'), 'the failure');
  h.dbg.dispatch({ type: 'shell', chroot: true });
  await until(() => /exited/.test(h.store.snapshot().ui.message?.text ?? ''), 'the shell to close');
  assert.equal(h.terminal.handOvers, 1);
  assert.ok(h.terminal.printed.includes("  failed command (on the build host): sh -c 'false --now'"), h.terminal.printed.join('\n'));
  assert.ok(h.terminal.printed.includes('  exit status: 1'));
  const shell = h.machine.calls.find((c) => c.what === 'shell')?.detail as { chroot: boolean; cols: number; rows: number };
  assert.equal(shell.chroot, true);
  assert.deepEqual([shell.cols, shell.rows], [100, 30]);
  assert.ok(h.events.some((e) => e.type === 'shell-open' && e.index === 2));
  assert.ok(h.controller.state.pause, 'still paused after the shell');
  h.dbg.dispatch({ type: 'command', command: 'skip' });
  await outcome;
});

test('a root without /bin/sh gets no shell but a pointer to the host shell, which opens in the workspace', async (t) => {
  const h = await harness(t, { commands: ['echo one'], step: true });
  const outcome = h.run();
  await until(paused(h), 'the first pause');
  h.dbg.dispatch({ type: 'shell', chroot: true });
  await until(() => h.store.snapshot().ui.message !== undefined, 'the message');
  assert.match(h.store.snapshot().ui.message!.text, /no shell yet.*h opens one on the build host/);
  assert.equal(h.terminal.handOvers, 0);
  h.dbg.dispatch({ type: 'shell', chroot: false });
  await until(() => h.terminal.handOvers === 1 && /exited/.test(h.store.snapshot().ui.message?.text ?? ''), 'the host shell');
  const shell = h.machine.calls.find((c) => c.what === 'shell')?.detail as { chroot: boolean; cwd: string };
  assert.deepEqual([shell.chroot, shell.cwd], [false, h.ws.dir]);
  h.dbg.dispatch({ type: 'command', command: 'continue' });
  await outcome;
});

test('shells and edits need a paused build', async (t) => {
  const h = await harness(t, { commands: ['echo one'] });
  h.dbg.dispatch({ type: 'shell', chroot: true });
  assert.match(h.store.snapshot().ui.message?.text ?? '', /needs a paused build/);
  h.dbg.dispatch({ type: 'edit' });
  assert.match(h.store.snapshot().ui.message?.text ?? '', /Editing the recipe needs a paused build/);
  assert.equal(h.terminal.handOvers, 0);
  await h.run();
});

test('edit and go on: the failed action, fixed in the recipe, runs in its new version on retry', async (t) => {
  const h = await harness(t, {
    commands: ['echo one', 'false broken', 'echo three'],
    edit: async (f) => writeFile(f, (await readFile(f, 'utf8')).replace('false broken', 'echo fixed')),
  });
  const outcome = h.run();
  await until(paused(h, 'failure'), 'the failure');
  h.dbg.dispatch({ type: 'edit' });
  await until(() => /Recipe reloaded/.test(h.store.snapshot().ui.message?.text ?? ''), 'the reload');
  assert.deepEqual(h.edited, [h.file]);
  assert.match(h.store.snapshot().ui.message!.text, /from action 2 on, the edited actions run \(r retries the edited action\)/);
  assert.equal(h.store.snapshot().sources.get(2)?.yaml.includes('echo fixed'), true);
  assert.equal(h.controller.state.steps.length, 3);
  h.dbg.dispatch({ type: 'command', command: 'retry' });
  assert.equal((await outcome).status, 'success');
  assert.deepEqual(h.commandsRun(), ['echo one', 'false broken', 'echo fixed', 'echo three']);
});

test('an edit of an action that already ran offers a rewind to it', async (t) => {
  const h = await harness(t, {
    commands: ['echo one', 'false two'],
    edit: async (f) => writeFile(f, (await readFile(f, 'utf8')).replace('echo one', 'echo uno').replace('false two', 'echo two')),
  });
  const outcome = h.run();
  await until(paused(h, 'failure'), 'the failure');
  h.dbg.dispatch({ type: 'edit' });
  await until(() => h.store.snapshot().ui.dialog !== undefined, 'the rewind question');
  assert.deepEqual(h.store.snapshot().ui.dialog, { type: 'rewind', index: 1, description: 'Step 1' });
  h.dbg.dispatch({ type: 'answer', answer: 'yes' });
  // The rewound action runs at once; the build then goes on step by step.
  await until(() => h.controller.state.pause?.index === 2, 'the pause after the rewound action');
  assert.equal(h.store.snapshot().build.steps[0]?.status, 'done');
  h.dbg.dispatch({ type: 'command', command: 'continue' });
  assert.equal((await outcome).status, 'success');
  assert.deepEqual(h.commandsRun(), ['echo one', 'false two', 'echo uno', 'echo two']);
  assert.ok(h.events.some((e) => e.type === 'rewind' && e.index === 1));
});

test('an edit that breaks the recipe shows where, and changes nothing', async (t) => {
  const h = await harness(t, {
    commands: ['false one'],
    edit: async (f) => writeFile(f, (await readFile(f, 'utf8')).replace('command:', 'comand:')),
  });
  const outcome = h.run();
  await until(paused(h, 'failure'), 'the failure');
  h.dbg.dispatch({ type: 'edit' });
  await until(() => /does not load/.test(h.store.snapshot().ui.message?.text ?? ''), 'the error');
  assert.match(h.store.snapshot().ui.message!.text, new RegExp(`${h.file}:5:5: .*comand`));
  assert.equal(h.store.snapshot().ui.message?.tone, 'error');
  h.dbg.dispatch({ type: 'command', command: 'skip' });
  await outcome;
});

test('quit asks; keep detaches and keeps the workspace, and the debugger ends with the build', async (t) => {
  const h = await harness(t, { commands: ['echo one', 'echo two'], step: true });
  const outcome = h.run();
  await until(paused(h), 'the first pause');
  h.dbg.dispatch({ type: 'quit' });
  assert.deepEqual(h.store.snapshot().ui.dialog, { type: 'quit' });
  h.dbg.dispatch({ type: 'answer', answer: 'cancel' });
  assert.equal(h.store.snapshot().ui.dialog, undefined);
  assert.ok(h.controller.state.pause, 'cancel leaves the build paused');
  h.dbg.dispatch({ type: 'quit' });
  h.dbg.dispatch({ type: 'answer', answer: 'keep' });
  assert.equal((await outcome).status, 'aborted');
  assert.equal(h.dbg.keep, true);
  assert.equal(h.controller.state.detached, true);
  h.bus.emit({ type: 'build-end', status: 'aborted', tainted: false, skipped: [], durationMs: 1 });
  await h.dbg.done;
});

test('quit and discard aborts; after the build is over, q just quits', async (t) => {
  const h = await harness(t, { commands: ['false one'] });
  const outcome = h.run();
  await until(paused(h, 'failure'), 'the failure');
  h.dbg.dispatch({ type: 'quit' });
  h.dbg.dispatch({ type: 'answer', answer: 'discard' });
  assert.equal((await outcome).status, 'failed');
  assert.equal(h.dbg.keep, false);

  const g = await harness(t, { commands: ['echo one'] });
  await g.run();
  g.bus.emit({ type: 'build-end', status: 'success', tainted: false, skipped: [], durationMs: 1 });
  g.dbg.dispatch({ type: 'quit' });
  assert.equal(g.store.snapshot().ui.dialog, undefined);
  await g.dbg.done;
  assert.equal(g.dbg.keep, undefined);
});

test('page keys scroll the log within what it holds', async (t) => {
  const h = await harness(t, { commands: ['seq'], script: () => ({ status: 0, output: Array.from({ length: 200 }, (_, i) => `n${i}`) }) });
  await h.run();
  h.dbg.dispatch({ type: 'page', direction: 1 });
  const first = h.store.snapshot().ui.scroll;
  assert.ok(first > 0);
  for (let i = 0; i < 50; i++) h.dbg.dispatch({ type: 'page', direction: 1 });
  const top = h.store.snapshot().ui.scroll;
  assert.ok(top < 210 && top > first, `scroll ${top}`);
  h.dbg.dispatch({ type: 'page', direction: -1 });
  assert.ok(h.store.snapshot().ui.scroll < top);
});

test('edit at a breakpoint: the paused action runs in its edited version', async (t) => {
  const h = await harness(t, {
    commands: ['echo one', 'false two'],
    breakpoints: [{ type: 'index', index: 2 }],
    edit: async (f) => writeFile(f, (await readFile(f, 'utf8')).replace('false two', 'echo two')),
  });
  const outcome = h.run();
  await until(paused(h, 'breakpoint'), 'the breakpoint');
  h.dbg.dispatch({ type: 'edit' });
  await until(() => /Recipe reloaded/.test(h.store.snapshot().ui.message?.text ?? ''), 'the reload');
  h.dbg.dispatch({ type: 'command', command: 'continue' });
  assert.equal((await outcome).status, 'success');
  assert.deepEqual(h.commandsRun(), ['echo one', 'echo two']);
});
