// Whole words in source text, found without a regular expression built from the word: a name
// read from broken text can be 100,000 characters long, too long to compile as a pattern (fuzz
// seed 89: a type parameter's name threw "Invalid regular expression").

/** Whether `text` has `word` where `\bword\b` would match it (and, if given, `rest` allows the text after it). */
export function hasWord(text: string, word: string, rest?: (after: string) => boolean): boolean {
  for (const at of wordsAt(text, word)) if (!rest || rest(text.slice(at + word.length))) return true;
  return false;
}

/**
 * Where `\bword\b(tail)?` matches in `text`, in order and apart, as `matchAll` with a global
 * pattern finds them: each place, and what `tail` (anchored at the word's end) matched there.
 */
export function* wordMatches(
  text: string,
  word: string,
  tail: RegExp,
): Generator<{ at: number; tail: RegExpExecArray | null }> {
  let from = 0;
  for (const at of wordsAt(text, word)) {
    if (at < from) continue;
    const end = at + word.length;
    const after = tail.exec(text.slice(end));
    from = end + (after?.[0].length ?? 0);
    yield { at, tail: after };
  }
}

/** Each place `\bword\b` matches in `text`, in order (they may overlap). */
export function* wordsAt(text: string, word: string): Generator<number> {
  if (word === '') return;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1))
    if (boundary(text, at) && boundary(text, at + word.length)) yield at;
}

/** A `\b`: a word character on one side of `at` and not on the other. */
function boundary(text: string, at: number): boolean {
  return isWordChar(text.charCodeAt(at - 1)) !== isWordChar(text.charCodeAt(at));
}

/** `\w`: ASCII letters, digits and `_` (a NaN outside the text is not one). */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
