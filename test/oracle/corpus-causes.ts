// The unknown verdicts of a corpus comparison, counted by the kind of reason the engine gives:
// a reason's chain of fields is cut off, and what it names in backticks becomes `_`, so
// "`Foo` is not declared in module `a`" and "`Bar` is not declared in module `b`" are one kind.
import type { CaseRecord } from './corpus-compare';

/** A reason without its chain of fields and with the names it quotes blanked out. */
export function causeKind(reason: string): string {
  const leaf = reason.replace(/^(?:field `[^`]*`|`[^`]*`)(?: → `[^`]*`)*: /, '');
  return leaf
    .replace(/`[^`]*`/g, '_')
    .replace(/\(line \d+\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Kinds of cause with how many unknown verdicts give each, most first (with one example). */
export function unknownCauses(cases: readonly CaseRecord[]): [string, number][] {
  const counts = new Map<string, { n: number; example: string }>();
  for (const c of cases) {
    if (c.outcome !== 'unknown') continue;
    const kinds = new Set(c.engineReasons.map(causeKind));
    if (kinds.size === 0) kinds.add('(no reason given)');
    for (const k of kinds) {
      const entry = counts.get(k) ?? { n: 0, example: `${c.crate} ${c.file}:${c.line}: ${c.engineReasons[0] ?? ''}` };
      entry.n++;
      counts.set(k, entry);
    }
  }
  return [...counts]
    .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
    .map(([k, { n, example }]) => [`${k}\n         e.g. ${example}`, n]);
}
