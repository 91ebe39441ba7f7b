// Whole words in source text, found without a regular expression built from the word: a name
// read from broken text can be 100,000 characters long, too long to compile as a pattern (fuzz
// seed 89: a type parameter's name threw "Invalid regular expression").

/** Whether `text` has `word` where `\bword\b` would match it (and, if given, `rest` allows the text after it). */
export function hasWord(text: string, word: string, rest?: (after: string) => boolean): boolean {
  if (word === '') return false;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const end = at + word.length;
    if (!boundary(text, at) || !boundary(text, end)) continue;
    if (!rest || rest(text.slice(end))) return true;
  }
  return false;
}

/** A `\b`: a word character on one side of `at` and not on the other. */
function boundary(text: string, at: number): boolean {
  return isWordChar(text.charCodeAt(at - 1)) !== isWordChar(text.charCodeAt(at));
}

/** `\w`: ASCII letters, digits and `_` (a NaN outside the text is not one). */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
