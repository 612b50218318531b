// Turning output chunks into lines the way a terminal shows them.

/**
 * Splits a byte stream into lines. A carriage return without a newline (progress bars)
 * overwrites the line, as on a terminal, so only what a terminal would finally show is
 * emitted: progress updates collapse into one line instead of smearing the log.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) this.onLine(visible(part));
  }

  /** Emits what is left when the stream ends. */
  end(): void {
    if (this.partial !== '') this.onLine(visible(this.partial));
    this.partial = '';
  }
}

/** The text a terminal ends up showing for a line with carriage returns. */
function visible(line: string): string {
  const stripped = line.endsWith('\r') ? line.slice(0, -1) : line;
  const cr = stripped.lastIndexOf('\r');
  return cr === -1 ? stripped : stripped.slice(cr + 1);
}
