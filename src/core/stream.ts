// A command's two output streams. Apart from the events' schema (events.ts, which loads
// zod): the VM's guest agent names streams too, and starts faster under emulation without zod.
export const STREAMS = ['stdout', 'stderr'] as const;
export type Stream = (typeof STREAMS)[number];
