// The async differential test at a fixed small seed: the generator is deterministic and its
// programs compile; rustc's judgement of hand-checked shapes is what it should be; the comparison
// grades verdicts right / wrong / unknown / missing; and the built CLI's `futures` verdicts match
// rustc on the sample: none wrong or missing, and a floor on the share right (skipped, saying
// why, while the CLI output has no `futures` array).
// `npm run differential:async` runs more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFutures, compareProgram, groundTruth, NoFuturesError, type CliFuture } from '../oracle/async-differential';
import { ASYNC_PROBES, generateAsyncProgram, type GeneratedAsyncProgram } from '../oracle/async-generate';
import { judgeAsyncProgram } from '../oracle/async-oracle';

const SEED = 20260101;
const PROGRAMS = 4;
/** The share of the sample's futures the CLI must get right (measured: all of them; a margin below). */
const RIGHT_FLOOR = 0.95;

const programs = Array.from({ length: PROGRAMS }, (_, i) => generateAsyncProgram(SEED + i));

test('the async generator is deterministic for a seed, and its futures point at their names', () => {
  assert.equal(generateAsyncProgram(SEED).source, programs[0].source);
  assert.deepEqual(generateAsyncProgram(SEED).futures, programs[0].futures);
  assert.notEqual(generateAsyncProgram(SEED + 1).source, programs[0].source);
  for (const p of programs) {
    const lines = p.source.split('\n');
    for (const f of p.futures) {
      const at = lines[f.line - 1].slice(f.column - 1);
      assert.ok(at.startsWith(f.kind === 'async-fn' ? `${f.name}` : 'async'), `seed ${p.seed} ${f.name}: ${at}`);
      assert.ok(f.questions.length > 0);
    }
  }
});

test('generated async programs compile apart from the questions, and rustc answers every question', async () => {
  const judged = await Promise.all(programs.map((p) => judgeAsyncProgram(p)));
  // The program alone (no questions) compiles too.
  await Promise.all(programs.map((p) => judgeAsyncProgram({ ...p, futures: [] })));
  const answers = judged.flatMap((j) => j.send.flat());
  assert.equal(
    answers.length,
    programs.reduce((n, p) => n + p.futures.reduce((m, f) => m + f.questions.length, 0), 0),
  );
  assert.ok(answers.includes(true) && answers.includes(false), 'the sample has Send and !Send futures');
});

/** A hand-written program: each `pub async fn NAME` is asked about with `calls[NAME]`. */
function handProgram(body: string, calls: Record<string, string[]>): GeneratedAsyncProgram {
  const source = `use std::cell::Cell;
use std::rc::Rc;
use std::sync::Mutex;
pub static LOCK: Mutex<Vec<u8>> = Mutex::new(Vec::new());
pub fn peek<T: ?Sized>(_: &T) -> u8 { 0 }
pub async fn yield_now() {}
${body}`;
  const lines = source.split('\n');
  const futures = Object.entries(calls).map(([name, cs]) => {
    const line = lines.findIndex((l) => l.includes(`async fn ${name}`)) + 1;
    assert.ok(line > 0, name);
    return {
      name,
      kind: 'async-fn' as const,
      line,
      column: lines[line - 1].indexOf(name) + 1,
      typeParam: lines[line - 1].includes('<') ? 'T' : undefined,
      // The longest probe value the call names (`Rc::new(0u8)` names `0u8` too).
      questions: cs.map((call) => ({
        call,
        probe: [...ASYNC_PROBES].sort((a, b) => b.value.length - a.value.length).find((p) => call.includes(p.value)),
      })),
      scopeSend: cs.map(() => true),
      awaits: [],
      suspects: [],
      holders: [],
    };
  });
  return { seed: 0, source, futures };
}

const HAND = handProgram(
  `pub async fn held() { let g = LOCK.lock().unwrap(); yield_now().await; peek(&g); }
pub async fn own_block() { { let g = LOCK.lock().unwrap(); peek(&g); } yield_now().await; }
pub async fn dropped() { let g = LOCK.lock().unwrap(); drop(g); yield_now().await; }
pub async fn borrowed_then_dropped() { let g = LOCK.lock().unwrap(); peek(&g); drop(g); yield_now().await; }
pub async fn let_underscore() { #[allow(let_underscore_lock)] let _ = LOCK.lock().unwrap(); yield_now().await; }
pub async fn let_underscore_named() { let _g = LOCK.lock().unwrap(); yield_now().await; }
pub async fn shadowed() { let g = LOCK.lock().unwrap(); let g = 0u8; yield_now().await; peek(&g); }
pub async fn match_temporary() { match LOCK.lock().unwrap().len() { _ => yield_now().await } }
pub async fn if_temporary() { if LOCK.lock().unwrap().len() > 0 { yield_now().await; } }
pub async fn unused_pointer() { let _p = std::ptr::null::<u8>(); yield_now().await; }
pub async fn borrowed_pointer() { let p = std::ptr::null::<u8>(); peek(&p); yield_now().await; }
pub struct Handle { pub p: *const u8 }
pub async fn match_promoted() { match peek(&Handle { p: std::ptr::null() }) { _ => yield_now().await } }
pub async fn match_local() { let h = Handle { p: std::ptr::null() }; match peek(&h) { _ => yield_now().await } }
pub async fn unused_borrow() { let h = Handle { p: std::ptr::null() }; let _r = &h; yield_now().await; }
pub async fn dropped_param(x: Rc<u8>) { drop(x); yield_now().await; }
pub async fn awaits_held() { held().await; }
pub async fn boxed() { let f: Box<dyn Fn()> = Box::new(|| {}); yield_now().await; f(); }
pub async fn boxed_send() { let f: Box<dyn Fn() + Send> = Box::new(|| {}); yield_now().await; f(); }
pub async fn by_value<T>(x: T) { yield_now().await; peek(&x); }
pub async fn by_ref<T>(x: &T) { yield_now().await; peek(&x); }
`,
  {
    held: ['held()'],
    own_block: ['own_block()'],
    dropped: ['dropped()'],
    borrowed_then_dropped: ['borrowed_then_dropped()'],
    let_underscore: ['let_underscore()'],
    let_underscore_named: ['let_underscore_named()'],
    shadowed: ['shadowed()'],
    match_temporary: ['match_temporary()'],
    if_temporary: ['if_temporary()'],
    unused_pointer: ['unused_pointer()'],
    borrowed_pointer: ['borrowed_pointer()'],
    match_promoted: ['match_promoted()'],
    match_local: ['match_local()'],
    unused_borrow: ['unused_borrow()'],
    dropped_param: ['dropped_param(Rc::new(1))'],
    awaits_held: ['awaits_held()'],
    boxed: ['boxed()'],
    boxed_send: ['boxed_send()'],
    by_value: ['by_value(0u8)', 'by_value(Rc::new(0u8))', 'by_value(Cell::new(0u8))'],
    by_ref: ['by_ref(&0u8)', 'by_ref(&Cell::new(0u8))', 'by_ref(&__SyncOnly::default())'],
  },
);

test("rustc's judgement of hand-checked shapes", async () => {
  // `__SyncOnly` (Sync, not Send) comes with the checker.
  const program = HAND;
  const j = await judgeAsyncProgram(program);
  const got = Object.fromEntries(program.futures.map((f, i) => [f.name, groundTruth(f, j.send[i])]));
  assert.deepEqual(got, {
    held: 'no',
    own_block: 'yes',
    dropped: 'yes',
    // rustc keeps a local that was ever borrowed until its scope ends, moved out or not.
    borrowed_then_dropped: 'no',
    let_underscore: 'yes',
    let_underscore_named: 'no',
    shadowed: 'no',
    match_temporary: 'no',
    if_temporary: 'yes',
    // Without drop glue and unused after the await, the pointer is not kept; borrowed, it is.
    unused_pointer: 'yes',
    borrowed_pointer: 'no',
    // `&Handle { p: null() }` is promoted to a constant: no temporary to hold; a local is held.
    match_promoted: 'yes',
    match_local: 'no',
    // Borrowed once, by a reference never used: still held to the end of its scope.
    unused_borrow: 'no',
    // Parameters are captured by the future, whatever the body does with them.
    dropped_param: 'no',
    awaits_held: 'no',
    boxed: 'no',
    boxed_send: 'yes',
    by_value: 'if T: Send',
    by_ref: 'if T: Sync',
  });
  const held = program.futures.findIndex((f) => f.name === 'held');
  assert.match(j.causes[held][0]!, /^held across an await: MutexGuard<Vec<u8>>$/);
  const param = program.futures.findIndex((f) => f.name === 'dropped_param');
  assert.match(j.causes[param][0]!, /^captured: Rc<u8>$/);
});

test('the comparison grades CLI verdicts right, wrong, unknown and missing', () => {
  const f = HAND.futures;
  const byName = (n: string) => f.find((x) => x.name === n)!;
  const entry = (n: string, status: CliFuture['send']['status'], requires: string[] = []): CliFuture => ({
    file: 'p0.rs',
    name: n,
    kind: 'async-fn',
    line: byName(n).line,
    column: byName(n).column,
    send: { status, requires },
  });
  const only = (names: string[]) => ({ ...HAND, futures: names.map(byName) });
  const program = only(['held', 'own_block', 'by_value', 'by_ref', 'shadowed']);
  // rustc: held no; own_block yes; by_value yes/no/yes (u8, Rc, Cell); by_ref yes/no/yes (u8, Cell, SyncOnly).
  const judgement = {
    send: [[false], [true], [true, false, true], [true, false, true], [false]],
    causes: [],
    hidden: 0,
    rustcRuns: 0,
    rustcMs: 0,
  };
  const outcomes = compareProgram(program, judgement, [
    entry('held', 'no'),
    { ...entry('own_block', 'yes'), line: byName('own_block').line + 1 }, // another line: not this future
    entry('by_value', 'conditional', ['T: Send']),
    entry('by_ref', 'conditional', ['T: Send']),
    entry('shadowed', 'unknown'),
  ]).map((c) => [c.future.name, c.outcome, c.call ?? '']);
  assert.deepEqual(outcomes, [
    ['held', 'right', ''],
    ['own_block', 'missing', ''],
    ['by_value', 'right', ''],
    ['by_ref', 'wrong', 'by_ref(&Cell::new(0u8))'],
    ['shadowed', 'unknown', ''],
  ]);
});

test('the CLI agrees with rustc on every generated future', async (t) => {
  try {
    cliFutures([programs[0]]);
  } catch (e) {
    if (!(e instanceof NoFuturesError)) throw e;
    t.diagnostic(e.message);
    console.log(`skipped: ${e.message}`);
    t.skip(e.message);
    return;
  }
  const entries = cliFutures(programs);
  const judged = await Promise.all(programs.map((p) => judgeAsyncProgram(p)));
  const outcomes = programs.flatMap((p, i) => compareProgram(p, judged[i], entries.get(p.seed) ?? []));
  const problems = outcomes
    .filter((c) => c.outcome === 'wrong' || c.outcome === 'missing')
    .map(
      (c) =>
        `seed ${c.seed}: ${c.future.kind} \`${c.future.name}\` (line ${c.future.line}): ${c.outcome}` +
        (c.engine ? `, CLI says ${c.engine}` : '') +
        (c.call ? `, rustc says ${c.rustc ? 'Send' : '!Send'} for \`${c.call}\`` : ''),
    );
  // No wrong verdict (and none missing), and the share of right ones (unknown counts against it)
  // stays at least RIGHT_FLOOR: every future of this sample is right today.
  assert.deepEqual(problems, []);
  const right = outcomes.filter((c) => c.outcome === 'right').length;
  assert.ok(outcomes.length >= 20, `the sample has ${outcomes.length} futures`);
  assert.ok(
    right / outcomes.length >= RIGHT_FLOOR,
    `right ${right} of ${outcomes.length} futures (${((100 * right) / outcomes.length).toFixed(1)}%), below the floor of ${100 * RIGHT_FLOOR}%: ` +
      outcomes
        .filter((c) => c.outcome !== 'right')
        .map((c) => `seed ${c.seed} ${c.future.name}: ${c.outcome} (${c.engine ?? ''})`)
        .join('; '),
  );
});
