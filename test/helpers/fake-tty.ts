import { Writable } from 'node:stream';

/** A terminal for Ink to draw on: a TTY of a fixed size that keeps what is written. */
export class FakeTty extends Writable {
  readonly isTTY = true;
  out = '';
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.out += chunk.toString();
    done();
  }
}
