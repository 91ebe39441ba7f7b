// The engine fuzzer: real Rust files, broken by seeded mutations (mutators.ts), analysed one by
// one. A case fails when the engine throws, returns something that is not a well-formed analysis,
// or takes more than 10 times the normal time for its size (normal: the engine's time per
// character on the unmutated sources, measured first) beyond the time of its parse alone (the
// parser's error recovery is slow on some broken text: a parse's budget bounds it), or more than
// that budget when the parse was given up. A case slow by less than twice that is timed again
// before it counts, so one garbage-collection pause is not a finding; a slower one counts at once
// (the second analysis of a text reuses the first's caches, and hid a case that took 16 s). Case
// N of seed S is always the same input, so any failure can be replayed alone.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ParseTimeout, type Engine, type FileAnalysis, type TreeEngine } from '../../server/src/engine';
import { parseBudgetMs } from '../../server/src/syntax/parser';
import { findCorpus, listRustFiles } from '../corpus';
import { seededRandom } from '../seeded-random';
import { MUTATORS, mutate, type Mutator } from './mutators';

export interface Source {
  name: string;
  text: string;
}

export interface FuzzCase {
  index: number;
  source: string;
  mutations: string[];
  text: string;
}

export interface FuzzFailure extends FuzzCase {
  kind: 'threw' | 'malformed' | 'slow';
  detail: string;
}

export const SLOWDOWN_LIMIT = 10;
/** Below this, timings are noise (timer, JIT, a GC pause): a case may always take this long. */
export const SLACK_MS = 25;
/** A case over its limit by less than this factor is timed again (a pause may have hit it). */
const NOISE_FACTOR = 2;
const WINDOW = 4000;

/** Corpus files when a corpus is found (see test/corpus.ts), else the repository's fixtures. */
export function loadSources(options: { maxFiles?: number; maxSize?: number } = {}): {
  sources: Source[];
  from: string;
} {
  const corpus = findCorpus();
  const root = join(__dirname, '..', '..');
  const folder = corpus.kind === 'found' ? corpus.root : join(root, 'test', 'fixtures');
  let files = listRustFiles(folder);
  if (options.maxFiles !== undefined && files.length > options.maxFiles) {
    const step = files.length / options.maxFiles;
    files = Array.from({ length: options.maxFiles }, (_, i) => files[Math.floor(i * step)]);
  }
  const sources = files
    .map((file) => ({ name: relative(folder, file), text: readFileSync(file, 'utf8') }))
    .filter((s) => s.text.length <= (options.maxSize ?? Infinity));
  return { sources, from: corpus.kind === 'found' ? `corpus ${corpus.root}` : `test/fixtures (${corpus.why})` };
}

/** Case `index` of `seed`: a source (whole, or a window of it) with one to three mutations. */
export function makeCase(
  sources: readonly Source[],
  seed: number,
  index: number,
  mutators: readonly Mutator[] = MUTATORS,
): FuzzCase {
  const random = seededRandom((seed * 0x9e3779b1) ^ (index * 0x85ebca6b));
  const source = random.pick(sources);
  let text = source.text;
  if (text.length > WINDOW && random.chance(0.8)) {
    const start = random.int(text.length - WINDOW);
    text = text.slice(start, start + WINDOW);
  }
  const mutated = mutate(text, random, mutators);
  return { index, source: source.name, mutations: mutated.applied, text: mutated.text };
}

/** The mutators minus those named (comma-separated), e.g. to leave out known engine bugs. */
export function mutatorsWithout(names: string): Mutator[] {
  const left = new Set(names.split(',').filter((n) => n !== ''));
  const unknown = [...left].filter((n) => !MUTATORS.some((m) => m.name === n));
  if (unknown.length > 0) throw new Error(`no mutator named ${unknown.join(', ')}`);
  return MUTATORS.filter((m) => !left.has(m.name));
}

/** Milliseconds per character of the engine on the unmutated sources. */
export function calibrate(engine: Engine, sources: readonly Source[]): number {
  const sample = sources.slice(0, 60);
  for (const s of sample.slice(0, 5)) engine.analyze(s.text); // warm the JIT
  const started = performance.now();
  let chars = 0;
  for (const s of sample) {
    engine.analyze(s.text);
    chars += s.text.length;
  }
  return (performance.now() - started) / Math.max(1, chars);
}

function validRange(r: unknown): boolean {
  const ok = (p: unknown): boolean => {
    const q = p as { line?: unknown; character?: unknown } | undefined;
    return (
      Number.isInteger(q?.line) &&
      Number.isInteger(q?.character) &&
      (q!.line as number) >= 0 &&
      (q!.character as number) >= 0
    );
  };
  const range = r as { start?: unknown; end?: unknown } | undefined;
  return ok(range?.start) && ok(range?.end);
}

/** What is wrong with an analysis's shape, or undefined when it is well formed. */
export function malformation(analysis: FileAnalysis): string | undefined {
  if (!Array.isArray(analysis?.types) || !Array.isArray(analysis.findings)) return 'types or findings is not an array';
  const statuses = new Set(['yes', 'no', 'conditional', 'unknown']);
  for (const t of analysis.types) {
    if (!statuses.has(t.send?.status) || !statuses.has(t.sync?.status)) return `type ${t.name}: no verdict`;
    if (!validRange(t.nameRange) || !validRange(t.range)) return `type ${t.name}: bad range`;
  }
  for (const f of analysis.findings)
    if (!validRange(f.range) || typeof f.message !== 'string') return `finding ${f.code}: bad range or message`;
  return undefined;
}

function timed(engine: Engine, text: string): { ms: number; analysis?: FileAnalysis; error?: unknown } {
  const started = performance.now();
  try {
    const analysis = engine.analyze(text);
    return { ms: performance.now() - started, analysis };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

/** How long parsing `text` alone takes (its budget when given up). */
function parseMs(parse: NonNullable<FuzzEngine['parse']>, text: string): number {
  const started = performance.now();
  try {
    parse(text).delete();
  } catch (error) {
    if (!(error instanceof ParseTimeout)) throw error;
  }
  return performance.now() - started;
}

/** The engine as the fuzzer drives it: `parse`, when it has one, times the parser apart. */
type FuzzEngine = Engine & { parse?: TreeEngine['parse'] };

/** Runs one case; a failure, or undefined when the engine behaved. */
export function runCase(engine: FuzzEngine, fuzzCase: FuzzCase, msPerChar: number): FuzzFailure | undefined {
  let limit = SLOWDOWN_LIMIT * msPerChar * fuzzCase.text.length + SLACK_MS;
  let run = timed(engine, fuzzCase.text);
  if (run.error !== undefined) {
    const error: unknown = run.error; // a thrown value is anything; String() is what the report shows
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { ...fuzzCase, kind: 'threw', detail };
  }
  const wrong = malformation(run.analysis!);
  if (wrong !== undefined) return { ...fuzzCase, kind: 'malformed', detail: wrong };
  // A parse given up took its budget, by design (parseBudgetMs): that is the case's limit then.
  if (run.analysis!.skipped !== undefined) limit = Math.max(limit, parseBudgetMs(fuzzCase.text.length) + SLACK_MS);
  // The parser's own time (its error recovery is slow on some broken text, bounded by the budget)
  // is not the engine's: the limit is on the rest.
  if (run.ms > limit && engine.parse) limit += parseMs(engine.parse, fuzzCase.text);
  if (run.ms > limit) {
    if (run.ms <= NOISE_FACTOR * limit) run = timed(engine, fuzzCase.text);
    if (run.ms > limit)
      return {
        ...fuzzCase,
        kind: 'slow',
        detail: `${run.ms.toFixed(0)} ms for ${fuzzCase.text.length} characters (limit ${limit.toFixed(0)} ms)`,
      };
  }
  return undefined;
}
