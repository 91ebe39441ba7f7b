// The engine never throws, always returns a well-formed analysis and stays within 10x its normal
// time, on real Rust files broken in every way test/fuzz/mutators.ts knows (a fixed seed, a few
// hundred cases; `npm run fuzz -- --cases 100000` runs the long version). Corpus files when a
// corpus is found, else the repository's fixtures, so it runs everywhere.
// Each bug found has a minimal reproducer below, a `todo` test until the engine is fixed, then a
// regression test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { calibrate, loadSources, makeCase, mutatorsWithout, runCase, type FuzzFailure } from '../fuzz/fuzz';
import { findWasmDir } from '../oracle/rust-items';

const SEED = 20240601;
const CASES = 400;
const enginePromise = createEngine({ wasmDir: findWasmDir() });
const loaded = loadSources({ maxFiles: 200, maxSize: 30_000 });

const range = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join(', ');

/** Engine bugs the fuzzer found and the engine has since fixed: kept as regression tests. */
const FIXED_ENGINE_BUGS = [
  {
    what: '10,000 nested modules (was a stack overflow)',
    text: `${'mod m { '.repeat(10_000)}struct S;${'}'.repeat(10_000)}\n`,
  },
  { what: '10,000 nested blocks (was a stack overflow)', text: `fn f() ${'{ '.repeat(10_000)}${'}'.repeat(10_000)}\n` },
  {
    what: 'a 400-deep generic type (was seconds: mentions climbed node.parent)',
    text: `struct S { a: ${'Vec<'.repeat(400)}u8${'>'.repeat(400)} }\n`,
  },
  {
    what: '1,000 generic parameters all used (was seconds: parameters looked up per mention)',
    text: `struct S<${range(1000, (i) => `P${i}`)}>(${range(1000, (i) => `P${i}`)});\n`,
  },
  {
    what: 'types named like Object.prototype members (threw: the std table answered with a function)',
    text: 'struct S { a: constructor, b: toString, c: __proto__ }\n',
  },
  {
    what: 'glob imports of std, alloc, core and a missing module (took 16 s for 5 lines)',
    text: 'use std::*;\nuse self::missing::*;\nuse alloc::sync::*;\nuse core::sync::*;\nfn lock() -> Result<MutexGuard<T>, ()> {}\n',
  },
  {
    what: '3,000 nested fns each declaring a struct (was a minute: each fn searched its body, and walked up, from the root)',
    text: `${'fn f() { struct S; '.repeat(3000)}${'}'.repeat(3000)}\nasync fn g() {}\n`,
  },
  {
    what: 'a line of 100,000 blanks in a file with a future (was 40 s: a regex quadratic in the run)',
    text: `async fn g() {}\nstruct S;${' '.repeat(100_000)}struct T;\n`,
  },
  {
    what: "a `let` pattern of 20,000 names (ran out of memory: each name's reason held the whole pattern)",
    text: `async fn f() {\n    let (${range(20_000, (i) => `a${i}`)}) = g();\n    h().await;\n}\n`,
  },
  {
    what: '30,000 structs of one name (was seconds: each copied the list of the others)',
    text: 'struct S;'.repeat(30_000),
  },
  {
    what: 'seven glob imports of unknown crates and a call (never finished: a lookup tried the globs in every order)',
    text: `${['a::b', 'c::d', 'e::f::g', 'h::i', 'std::os::unix::prelude', 'crate', 'j::k'].map((p) => `use ${p}::*;`).join('\n')}\nmod m {\n    use super::*;\n}\nfn go() {\n${range(100, (i) => `    f${i}(x${i % 10});`).replaceAll(', ', '\n')}\n    std::thread::spawn(move || {});\n}\n`,
  },
  {
    what: '3,000 nested plain fns with calls, beside a `Send`-bounded fn (was seconds: each body listed every call inside it)',
    text: `fn require_send<T: Send>(_: T) {}\nasync fn g() {}\n${'fn f() { a(1); b(2); '.repeat(3000)}${'}'.repeat(3000)}\n`,
  },
  {
    what: 'a `use` list nested 20,000 deep (fuzz seed 151: a stack overflow reading its imports)',
    text: `use a::${'{b::'.repeat(20_000)}c${'}'.repeat(20_000)};\npub struct S;\n`,
  },
  {
    what: 'a `let` pattern nested 20,000 deep in an async fn (fuzz seed 83: a stack overflow listing its names)',
    text: `async fn pause() {}\nasync fn f() {\n    let ${'('.repeat(20_000)}x${')'.repeat(20_000)} = 1;\n    pause().await;\n}\n`,
  },
  {
    what: 'a type parameter named by 130,000 characters (fuzz seed 89: a pattern built from the name threw)',
    text: `use std::marker::PhantomData;\npub struct S<T${'x'.repeat(130_000)}>(PhantomData<T${'x'.repeat(130_000)}>);\nunsafe impl<T> Send for S<T> {}\n`,
  },
  {
    what: "22 nested calls of a generic fn held across an await (a first version read each call's arguments twice: 2^22 reads, seconds)",
    text: `fn wrap<T>(v: T) -> Option<T> {\n    Some(v)\n}\nasync fn pause() {}\nasync fn f() {\n    let x = ${'wrap('.repeat(22)}1${')'.repeat(22)};\n    pause().await;\n    drop(x);\n}\n`,
  },
  {
    what: '3,000 nested fns, and 3,000 nested modules each with a fn (fuzz seed 191: 30 s: each fn read its ancestors, and the attributes before it, from the root)',
    text: `async fn g() {}\n${'fn f() { let x = 1; '.repeat(3000)}${'}'.repeat(3000)}\n${'mod m { fn f() {} '.repeat(3000)}${'}'.repeat(3000)}\n`,
  },
];

/** Engine bugs the fuzzer found in files this suite does not own, still open: `todo` tests. The
 *  seeded run uses every mutator: these need more text than its cases have. */
const KNOWN_ENGINE_BUGS = [
  {
    // Not the engine's own code: tree-sitter's error recovery is quadratic here (parse alone: 0.1 s
    // at 1,000 repeats, 0.7 s at 4,000; 148,000 characters of it took over 25 s). The parse is
    // now given up at its budget (parseBudgetMs: 340 ms here), still over 10x the normal time.
    what: 'a broken `let` with 4,000 `a: u8,` on one line: parsing alone is quadratic',
    text: `fn f() {\n    let s${'a: u8, '.repeat(4000)}\n}\n`,
  },
];

test(`the engine survives ${CASES} mutated real files within time (seed ${SEED})`, async () => {
  const engine = await enginePromise;
  assert.ok(loaded.sources.length > 0, 'no source files to mutate');
  const mutators = mutatorsWithout('');
  const msPerChar = calibrate(engine, loaded.sources);
  const failures: FuzzFailure[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < CASES; index++) {
    const fuzzCase = makeCase(loaded.sources, SEED, index, mutators);
    fuzzCase.mutations.forEach((m) => seen.add(m));
    const failure = runCase(engine, fuzzCase, msPerChar);
    if (failure !== undefined) failures.push(failure);
  }
  const report = failures.map(
    (f) =>
      `case ${f.index} (${f.source}; ${f.mutations.join(', ')}): ${f.kind}: ${f.detail.split('\n').slice(0, 3).join(' | ')}`,
  );
  assert.deepEqual(report, [], `replay with: npm run fuzz -- --seed ${SEED} --case N (sources: ${loaded.from})`);
  assert.deepEqual([...seen].sort(), mutators.map((m) => m.name).sort(), 'every mutator was used');
});

async function expectWithinTime(text: string): Promise<void> {
  const engine = await enginePromise;
  const msPerChar = calibrate(engine, loaded.sources);
  const failure = runCase(engine, { index: 0, source: 'reproducer', mutations: [], text }, msPerChar);
  assert.ok(failure === undefined, failure?.detail.split('\n')[0]);
}

for (const bug of FIXED_ENGINE_BUGS) test(`engine regression: ${bug.what}`, () => expectWithinTime(bug.text));
// An open bug can take many seconds: run them with FUZZ_OPEN_BUGS=1 (they report as todo).
const openBugs = process.env.FUZZ_OPEN_BUGS === '1' ? false : 'slow while open; FUZZ_OPEN_BUGS=1 runs it';
for (const bug of KNOWN_ENGINE_BUGS) {
  test(
    `known engine bug: ${bug.what}`,
    { todo: 'engine files owned elsewhere; found by the fuzzer', skip: openBugs },
    () => expectWithinTime(bug.text),
  );
}
