// Reusing each fn's futures analysis between edits (futures/fn-reuse.ts) must never change an
// answer: after every edit of the futures fixtures (random edits, and edits aimed at fn bodies,
// at the signatures and types the futures read, and at an awaited fn), the analysis of an engine
// that reuses equals the analysis of an engine that starts from nothing. And the reuse must
// happen: most fns are reused after an edit inside one fn's body.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine, type FileAnalysis, type TreeEngine } from '../../server/src/engine';
import { editBetween, type SyntaxTree } from '../../server/src/syntax/parser';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';
import { seededRandom, type Random } from '../seeded-random';

const FOLDER = join(REPO_ROOT, 'test', 'fixtures', 'futures');
const fixtures = readdirSync(FOLDER)
  .filter((f) => f.endsWith('.rs'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(FOLDER, f), 'utf8') }));

/** Everything an analysis says but the lazily found mentions. */
/** The fixture's `async fn`s, not counting those its comments name. */
function asyncFnCount(text: string): number {
  return text.match(/^(?:(?!\/\/).)*\basync fn\b/gm)?.length ?? 0;
}

function answer(analysis: FileAnalysis): unknown {
  const { types, findings, futures, reviewed, syntaxErrors } = analysis;
  return { types, findings, futures, reviewed, syntaxErrors };
}

/**
 * How many top-level fns of `text` call the fn declared by `header` (`async fn name(..`), or one
 * that does, and so on: their walks read its future.
 */
function callers(text: string, header: string): number {
  // Each top-level fn's name and text (from its header to the `}` that closes it at column 0).
  const fns: { name: string; body: string }[] = [];
  for (const line of text.split('\n')) {
    const header = /^(?:pub )?(?:async )?fn (\w+)/.exec(line);
    if (header) fns.push({ name: header[1], body: line.slice(header[0].length) });
    else if (fns.length > 0) fns[fns.length - 1].body += `${line}\n`;
  }
  const reached = new Set([/fn (\w+)/.exec(header)![1]]);
  for (let grew = true; grew;) {
    grew = false;
    for (const fn of fns)
      if (!reached.has(fn.name) && [...reached].some((n) => fn.body.includes(`${n}(`))) grew = !!reached.add(fn.name);
  }
  return reached.size - 1;
}

/** Words of the items a fn body can declare. */
const BODY_ITEM_WORDS = /\b(?:struct|enum|union|type|trait|impl|mod|macro_rules|use|fn)\b/;

const SNIPPETS = [
  ' ',
  '  ',
  '\t',
  '\n',
  'x',
  ';',
  '}',
  '.await',
  'let g = m.lock().unwrap();\n',
  'drop(g);\n',
  'std::rc::Rc::new(1);\n',
  'async {}.await;\n',
  'tokio::spawn(async move { let r = std::rc::Rc::new(0); tick().await; });\n',
  'struct Held(std::rc::Rc<u8>);\n',
  'async fn tick() {}\n',
  '// type impl fn\n',
];

/** An edit at a random place, or at the start of a line inside a fn body (where typing mostly is). */
function randomEdit(random: Random, text: string): string {
  const lines = text.split('\n');
  const inBody = lines.flatMap((l, i) => (/^ {4,}\S/.test(l) ? [i] : []));
  let at: number;
  if (inBody.length > 0 && random.chance(0.6)) {
    const line = random.pick(inBody);
    at = lines.slice(0, line).join('\n').length + (line > 0 ? 1 : 0) + 4;
  } else at = random.int(text.length + 1);
  const removed = random.chance(0.3) ? random.int(12) : 0;
  return text.slice(0, at) + random.pick(SNIPPETS) + text.slice(at + removed);
}

/** Fn-level edits whose effect crosses fns: the awaited fn, a held type, a signature. */
function aimedEdits(text: string): string[] {
  const out: string[] = [];
  const swap = (from: RegExp, to: string) => {
    const next = text.replace(from, to);
    if (next !== text) out.push(next);
  };
  swap(/struct (\w+)\s*\{/, 'struct $1 { _rc: std::rc::Rc<u8>,');
  swap(/async fn (\w+)\(/, 'fn $1(');
  swap(/\.await/, '; std::rc::Rc::new(1).clone(); async {}.await');
  swap(/MutexGuard/, 'std::rc::Rc');
  swap(/Mutex</, 'std::cell::RefCell<');
  swap(/fn (\w+)</, 'fn $1<Z: Send, ');
  return out;
}

async function engines(): Promise<{ live: TreeEngine; cold: TreeEngine }> {
  const wasmDir = findWasmDir();
  return {
    live: await createEngine({ wasmDir, mentions: false }),
    cold: await createEngine({ wasmDir, mentions: false, reuseFutures: false }),
  };
}

test('an engine that reuses fns futures answers as one that does not, edit after edit', async () => {
  const { live, cold } = await engines();
  const random = seededRandom(15);
  let steps = 0;
  for (const { name, text: original } of fixtures) {
    let text = original;
    let tree: SyntaxTree = live.parse(text);
    try {
      const versions = [
        ...Array.from({ length: 25 }, () => (text = randomEdit(random, text))),
        ...aimedEdits(original).flatMap((aimed) => [aimed, original]),
      ];
      let previous = original;
      live.analyzeTree(tree, previous);
      for (const next of versions) {
        // Incrementally, as the server does: the old tree edited, then reparsed with it.
        tree.edit(editBetween(previous, next));
        const old = tree;
        tree = live.parse(next, old);
        old.delete();
        previous = next;
        assert.deepEqual(answer(live.analyzeTree(tree, next)), answer(cold.analyze(next)), `${name}, step ${steps}`);
        steps++;
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(steps > 100, `${steps} steps`);
});

test('after an edit inside one fn body, the other fns futures are reused', async () => {
  const { live } = await engines();
  const stats = live.futuresStats!;
  let checked = 0;
  for (const { name, text } of fixtures) {
    const asyncFns = asyncFnCount(text);
    if (asyncFns < 3) continue;
    live.analyze(text);
    // A space at the start of the last line indented inside a body: one fn changes.
    const lines = text.split('\n');
    let line = lines.length - 1;
    while (line > 0 && !(/^ {4,}\S/.test(lines[line]) && !lines[line].includes('fn '))) line--;
    const edited = lines.map((l, i) => (i === line ? ` ${l}` : l)).join('\n');
    const before = { ...stats };
    live.analyze(edited);
    const walked = stats.walked - before.walked;
    const reused = stats.reused - before.reused;
    assert.ok(reused >= asyncFns - 2, `${name}: ${reused} fns reused, ${walked} walked (${asyncFns} async fns)`);
    assert.ok(walked <= 3, `${name}: ${walked} fns walked again after an edit in one`);
    checked++;
  }
  assert.ok(checked >= 2, `only ${checked} fixtures with three async fns`);
});

test('after a line typed in a fn body, or a blank or comment line between items, the fns below it are reused where they moved', async () => {
  const { live, cold } = await engines();
  const stats = live.futuresStats!;
  let checked = 0;
  for (const { name, text } of fixtures) {
    const asyncFns = asyncFnCount(text);
    if (asyncFns < 3) continue;
    const lines = text.split('\n');
    // The first line of the first top-level async fn whose body declares no item (a body that
    // does is part of the skeleton), and the first blank line after an item.
    const inBody = lines.findIndex((_, i) => {
      if (i < 2 || !/^(pub )?async fn [^{]*\{( \/\/.*)?$/.test(lines[i - 1]) || lines[i - 2].startsWith('#['))
        return false;
      const end = lines.indexOf('}', i);
      return end > i && !lines.slice(i, end).some((b) => BODY_ITEM_WORDS.test(b));
    });
    const blank = lines.findIndex((l, i) => l === '' && i > 0 && /^[}]/.test(lines[i - 1]));
    if (inBody < 0 || blank < 0) continue;
    const insert = (at: number, line: string) => [...lines.slice(0, at), line, ...lines.slice(at)].join('\n');
    for (const [edited, walkedAtMost] of [
      // The fn typed in is walked again, and so are those that call it.
      [insert(inBody, '    let typed = 1;'), 1 + callers(text, lines[inBody - 1])],
      [insert(blank, ''), 0],
      // A comment's lines are no item's either.
      [insert(blank, '/// A doc comment typed above an item.'), 0],
    ] as const) {
      live.analyze(text);
      const before = { ...stats };
      const analysis = live.analyze(edited);
      const walked = stats.walked - before.walked;
      const reused = stats.reused - before.reused;
      assert.ok(walked <= walkedAtMost, `${name}: ${walked} fns walked again after a line typed`);
      assert.ok(reused >= asyncFns - walkedAtMost, `${name}: ${reused} fns reused (${asyncFns} async fns)`);
      // What moved names its new lines: the same answer as an analysis from nothing.
      assert.deepEqual(answer(analysis), answer(cold.analyze(edited)), `${name}: after a line typed`);
    }
    checked++;
  }
  assert.ok(checked >= 2, `only ${checked} fixtures with three async fns, a body line and a blank line`);
});

test("after a change of indentation or spacing outside fn bodies (the file's first line too), every fn is reused", async () => {
  const { live } = await engines();
  const stats = live.futuresStats!;
  let checked = 0;
  for (const { name, text } of fixtures) {
    const lines = text.split('\n');
    const line = lines.findIndex((l) => /^\s*(pub\s+)?struct\s+\w+/.test(l));
    const asyncFns = asyncFnCount(text);
    if (line < 0 || asyncFns < 2) continue;
    live.analyze(text);
    for (const edited of [
      lines.map((l, i) => (i === line ? `  ${l}` : l)).join('\n'),
      lines.map((l, i) => (i === line ? l.replace(/struct\s+/, 'struct   ') : l)).join('\n'),
      // Before the first token: the tree's root then starts after it, not at 0.
      ` ${text}`,
    ]) {
      const before = { ...stats };
      live.analyze(edited);
      assert.equal(stats.walked - before.walked, 0, `${name}: fns walked again after a change of spacing`);
      assert.ok(stats.reused - before.reused >= asyncFns, `${name}: ${stats.reused - before.reused} fns reused`);
    }
    checked++;
  }
  assert.ok(checked >= 2, `only ${checked} fixtures with a struct and two async fns`);
});
