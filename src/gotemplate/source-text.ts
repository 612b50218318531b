// Positions in a template source: 1-based line and column (in UTF-16 units, like the
// YAML positions they are combined with), and Go's own "line:col" where col is the 0-based
// byte offset within the line.
import { utf8Length } from './fmt/runes.js';

export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** 1-based line of a source index. */
  line(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based line and column of a source index. */
  lineCol(pos: number): { line: number; col: number } {
    const line = this.line(pos);
    return { line, col: pos - this.lineStarts[line - 1]! + 1 };
  }

  /** Column 1-based on a given line, for a position Go reports only by line. */
  colOnLine(pos: number, line: number): number {
    const lc = this.lineCol(pos);
    return lc.line === line ? lc.col : 1;
  }

  /** Go's ErrorContext location: "line:byteCol" with a 0-based byte column. */
  goLineCol(pos: number): string {
    const line = this.line(pos);
    const start = this.lineStarts[line - 1]!;
    return `${line}:${utf8Length(this.text.slice(start, pos))}`;
  }
}
