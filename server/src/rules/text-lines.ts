// A file's lines for the rules, which read a few of them (the comment above an impl, the line of
// a fix): found from an index of where each line starts, so that an analysis does not make a
// string of every line of the file on every edit.

const BREAKS = /\r\n?|\n/g;

/** A text's lines, split at `\r\n`, `\n` or `\r` (as `split(/\r?\n|\r/)`), each cut out when asked for. */
export class TextLines {
  /** Where each line starts (typed: a plain array of a big file's rows is several times the size). */
  private starts: Int32Array | undefined;

  constructor(readonly text: string) {}

  /** How many lines there are (one more than line breaks). */
  get count(): number {
    return this.index().length;
  }

  /** Line `row` without its line break; '' for a row that is not in the text. */
  at(row: number): string {
    const starts = this.index();
    if (row < 0 || row >= starts.length) return '';
    const start = starts[row];
    if (row + 1 === starts.length) return this.text.slice(start);
    // The break before the next line: `\n`, `\r`, or `\r\n` (a `\n` after a `\r` is always one).
    let end = starts[row + 1] - 1;
    if (this.text.charCodeAt(end) === 10 && end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** Lines `from` up to `to` (not included), joined with `\n`. */
  joined(from: number, to: number): string {
    const rows: string[] = [];
    for (let row = Math.max(0, from); row < Math.min(to, this.count); row++) rows.push(this.at(row));
    return rows.join('\n');
  }

  private index(): Int32Array {
    if (this.starts) return this.starts;
    const { text } = this;
    const plain = !text.includes('\r');
    // Counted first, then filled: each pass is a native search.
    const each = (visit: (next: number) => void): void => {
      if (plain) for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) visit(at + 1);
      else for (const m of text.matchAll(BREAKS)) visit(m.index + m[0].length);
    };
    let count = 1;
    each(() => count++);
    const starts = new Int32Array(count);
    let row = 1;
    each((next) => (starts[row++] = next));
    this.starts = starts;
    return starts;
  }
}
