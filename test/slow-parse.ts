// A text whose parse takes seconds: tree-sitter's error recovery is quadratic on one long line of
// fields inside an impl (16,000 of them: about 110 KB, 10 s and more here), far past the budget a
// parse of that size gets (see parseBudgetMs, about 0.8 s). Real files parse 50 times faster.
export function slowToParse(fields = 16_000): string {
  return `impl<T> Holder<T> {\n    ${'a: u8, '.repeat(fields)}\n}\n`;
}
