// sprig's getHostByName: one address of a host name, picked at random as sprig does, or the
// panic sprig hits (rand.Intn(0)) when the lookup finds nothing. Template functions are
// synchronous and Node's resolver is not, so the lookup runs in a worker thread (the system
// resolver, getaddrinfo, like Go's cgo resolver) while this thread waits on shared memory.
import { randomInt } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { GoFunc } from '../../value.js';
import { asString, defineFunc } from '../define.js';
import { goPanic } from '../go/reflect.js';

const LOOKUP_TIMEOUT_MS = 30000;
const RESULT_BYTES = 64 * 1024;

// Runs in the worker: writes the addresses as JSON after an 8-byte header (done flag, length).
const workerSource = `
const { workerData } = require('node:worker_threads');
require('node:dns').lookup(workerData.name, { all: true }, (err, found) => {
  const text = Buffer.from(JSON.stringify(err ? [] : found.map((a) => a.address)));
  const header = new Int32Array(workerData.shared, 0, 2);
  const body = new Uint8Array(workerData.shared, 8);
  header[1] = Math.min(text.length, body.length);
  body.set(text.subarray(0, header[1]));
  Atomics.store(header, 0, 1);
  Atomics.notify(header, 0);
});
`;

/** net.LookupHost, synchronously; an empty list when the name does not resolve. */
export function lookupHost(name: string): string[] {
  const shared = new SharedArrayBuffer(8 + RESULT_BYTES);
  const header = new Int32Array(shared, 0, 2);
  const worker = new Worker(workerSource, { eval: true, workerData: { name, shared } });
  worker.unref();
  try {
    if (Atomics.wait(header, 0, 0, LOOKUP_TIMEOUT_MS) === 'timed-out') return [];
    const text = Buffer.from(new Uint8Array(shared, 8, header[1] ?? 0)).toString();
    return JSON.parse(text) as string[];
  } finally {
    void worker.terminate();
  }
}

export const networkFuncs: readonly GoFunc[] = [
  defineFunc('getHostByName', 'func(name string) string', (name) => {
    const addrs = lookupHost(asString(name));
    if (addrs.length === 0) throw goPanic('invalid argument to Intn');
    return addrs[randomInt(addrs.length)] ?? '';
  }),
];
