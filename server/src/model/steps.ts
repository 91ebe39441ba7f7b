// Work done a step at a time: a generator that yields between steps, so a caller can answer
// requests between them (the language server reading a crate), or run it to its end at once
// (everything else), with the same result.

/** Steps that return `T` at their end. */
export type Steps<T = void> = Generator<void, T, void>;

/** Runs steps to their end, returning what they return. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}
