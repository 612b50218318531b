// One JSON object per line: how messages travel on the control channel. Kept apart from
// the zod schemas in protocol.ts, because the guest agent must not load zod: under TCG
// without a JIT, evaluating it doubles the agent's start-up time.

/** One message as it goes on the wire. JSON never contains a raw newline. */
export const encodeFrame = (message: object): string => `${JSON.stringify(message)}\n`;

/** What a frame's JSON is: the message, or why it is not one. */
export type FrameCheck<T> = (value: unknown) => { readonly ok: true; readonly message: T } | { readonly ok: false; readonly why: string };

/**
 * Splits a character stream into messages. A frame that is not JSON or fails the check
 * goes to `onInvalid` with the reason; the stream carries on with the next line.
 */
export class FrameDecoder<T> {
  private partial = '';

  constructor(
    private readonly check: FrameCheck<T>,
    private readonly onMessage: (message: T) => void,
    private readonly onInvalid: (why: string, frame: string) => void,
  ) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        this.onInvalid(`not JSON: ${(err as Error).message}`, line);
        continue;
      }
      const result = this.check(parsed);
      if (result.ok) this.onMessage(result.message);
      else this.onInvalid(result.why, line);
    }
  }
}
