// The rendered text plus a map from each stretch of it back to the source: text nodes map
// character for character, an action's output maps to the action.

interface Segment {
  /** Offset in the output where the segment starts. */
  readonly out: number;
  /** Source index it came from. */
  readonly src: number;
  /** Whether offsets within the segment map one to one (text), or all to src (action output). */
  readonly exact: boolean;
}

export class Output {
  private readonly chunks: string[] = [];
  private length = 0;
  private readonly segments: Segment[] = [];

  write(text: string, src: number, exact: boolean): void {
    if (text.length === 0) return;
    this.segments.push({ out: this.length, src, exact });
    this.chunks.push(text);
    this.length += text.length;
  }

  text(): string {
    return this.chunks.join('');
  }

  /** The source index that produced the output at this offset (the end maps past the last). */
  sourceIndex(offset: number): number {
    const segs = this.segments;
    if (segs.length === 0) return 0;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.out <= offset) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo]!;
    if (offset < s.out) return s.src;
    return s.exact ? s.src + (offset - s.out) : s.src;
  }
}
