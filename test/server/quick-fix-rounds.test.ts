// Quick fixes as an editor applies them, over real JSON-RPC: for every fixture file, every code
// action offered for every diagnostic only inserts (each edit's range is empty, and the original
// text survives character for character, in order), and once applied, the same finding is gone
// and the same fix is not offered again.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { applyEdits, initialize, ROOT, shutdown, startSession, type LspSession } from './lsp-session';

function fixtureFiles(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? fixtureFiles(path) : name.endsWith('.rs') ? [path] : [];
    });
}

/** True when every character of `original` appears in `fixed`, in the same order. */
function keepsEveryCharacter(original: string, fixed: string): boolean {
  let at = 0;
  for (const ch of fixed) if (at < original.length && original.startsWith(ch, at)) at += ch.length;
  return at === original.length;
}

let opened = 0;
async function open(session: LspSession, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = `file:///quick-fix/doc${++opened}.rs`;
  const published = session.nextDiagnostics(uri, undefined, 15_000);
  await session.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'rust', version: 1, text },
  });
  return { uri, diagnostics: (await published).diagnostics };
}

async function actionsFor(session: LspSession, uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  const context = { diagnostics: [diagnostic], only: ['quickfix'] };
  return (
    (await session.connection.sendRequest<CodeAction[] | null>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context,
    })) ?? []
  );
}

test('every quick fix of every fixture only inserts, and is not offered again once applied', async () => {
  const session = startSession();
  // One diagnostic per finding, so that each fix is checked against the finding it fixes.
  session.settings.value = { groupFindings: false };
  try {
    await initialize(session);
    let fixes = 0;
    for (const file of fixtureFiles(join(ROOT, 'test', 'fixtures'))) {
      const text = readFileSync(file, 'utf8');
      const first = await open(session, text);
      for (const asked of first.diagnostics) {
        for (const action of await actionsFor(session, first.uri, asked)) {
          fixes++;
          // An action may fix another finding on the same lines: it names the one it fixes.
          const diagnostic = action.diagnostics?.[0] ?? asked;
          const where = `${relative(ROOT, file)}:${diagnostic.range.start.line + 1} ${String(diagnostic.code)}: ${action.title}`;
          const edits: TextEdit[] = action.edit?.changes?.[first.uri] ?? [];
          assert.ok(edits.length > 0, `${where}: no edit`);
          for (const edit of edits)
            assert.deepEqual(edit.range.start, edit.range.end, `${where}: an edit that replaces text`);
          const fixed = applyEdits(text, edits);
          assert.ok(keepsEveryCharacter(text, fixed), `${where}: an original character is gone`);
          const shift = edits
            .filter((e) => e.range.start.line <= diagnostic.range.start.line)
            .reduce((n, e) => n + (e.newText.match(/\n/g) ?? []).length, 0);
          const second = await open(session, fixed);
          const again = second.diagnostics.filter(
            (d) => d.code === diagnostic.code && d.range.start.line === diagnostic.range.start.line + shift,
          );
          assert.deepEqual(
            again.map((d) => d.message),
            [],
            `${where}: the finding survives its fix`,
          );
          await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: second.uri } });
        }
      }
      await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: first.uri } });
    }
    assert.ok(fixes >= 10, `only ${fixes} quick fixes offered by the fixtures`);
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});

const ISSUE_CASES = `
pub struct DocumentedBox<T> { ptr: *mut T }
// SAFETY: DocumentedBox uniquely owns its pointee, so moving the box to
// another thread moves the T with it, which is sound because T: Send.
unsafe impl<T: Send> Send for DocumentedBox<T> {}

pub struct RawBox<T> { ptr: *mut T }
unsafe impl<T> Send for RawBox<T> {}

pub struct SharedCounter { value: std::cell::UnsafeCell<u64> }
impl SharedCounter { pub fn bump(&self) { unsafe { *self.value.get() += 1 } } }
// SAFETY: \`value\` is only bumped by one thread at a time.
unsafe impl Sync for SharedCounter {}
`;

test('one warning per unsafe impl: none on a documented bounded impl, one with both fixes, one on a bare cell', async () => {
  const session = startSession();
  try {
    await initialize(session);
    const first = await open(session, ISSUE_CASES);
    const lineOf = (needle: string) => ISSUE_CASES.split('\n').findIndex((l) => l.includes(needle));
    assert.deepEqual(
      first.diagnostics.map((d) => [d.range.start.line, d.code, d.severity]),
      [
        [lineOf('Send for RawBox'), 'missing-bound', 2],
        [lineOf('Sync for SharedCounter'), 'risky-field', 2],
      ],
    );
    const [rawBox, counter] = first.diagnostics;
    assert.match(rawBox.message, /needs `T: Send`[\s\S]*\nalso missing-safety-comment: /);
    assert.deepEqual(
      counter.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]),
      [[first.uri, lineOf('pub struct SharedCounter')]],
    );
    // Both rules' fixes hang on the one diagnostic; applied one after the other, nothing is left.
    const actions = await actionsFor(session, first.uri, rawBox);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Add `T: Send` to the impl', 'Add a `// SAFETY:` comment to `unsafe impl Send`'],
    );
    const bounded = applyEdits(ISSUE_CASES, actions[0].edit?.changes?.[first.uri] ?? []);
    const second = await open(session, bounded);
    const left = second.diagnostics.find((d) => d.range.start.line === lineOf('Send for RawBox'));
    assert.equal(left?.code, 'missing-safety-comment');
    const [safety] = await actionsFor(session, second.uri, left);
    const third = await open(session, applyEdits(bounded, safety.edit?.changes?.[second.uri] ?? []));
    assert.deepEqual(
      third.diagnostics.map((d) => d.code),
      ['risky-field'],
    );
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});

const REASONING = readFileSync(join(ROOT, 'test', 'fixtures', 'findings', 'missing-bound-reasoning.rs'), 'utf8');

test('missing-bound: a stored closure gets the bound on its way in; reviewed designs say why in the hover, not as warnings', async () => {
  const session = startSession();
  try {
    await initialize(session);
    const doc = await open(session, REASONING);
    const lines = REASONING.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));
    const flagged = doc.diagnostics.map((d) => d.range.start.line);
    for (const quiet of [
      'Send for Fragile',
      'Send for Foreign',
      'Send for Entry',
      'Send for SendJob',
      'Send for Tagged',
      'Sync for PerThread',
      'Send for Held',
      'Sync for Held',
    ])
      assert.ok(!flagged.includes(lineOf(quiet)), `no diagnostic on \`${quiet}\``);
    assert.ok(
      flagged.includes(lineOf('Sync for SharedSlots')),
      "a method handing out another thread's value is flagged",
    );
    assert.ok(flagged.includes(lineOf('Send for Peeked')), 'a guard read through (`hasher`) is flagged');
    const job = doc.diagnostics.find((d) => d.range.start.line === lineOf('Send for Job<T>'));
    assert.ok(job, 'the stored closure is flagged');
    const [fix] = await actionsFor(session, doc.uri, job);
    assert.equal(fix?.title, 'Add `Send` to the bounds of `F`');
    const fixed = applyEdits(REASONING, fix.edit?.changes?.[doc.uri] ?? []);
    assert.ok(
      fixed.includes("pub fn set<F: FnOnce() -> T + 'static + Send>(&mut self, f: F)"),
      'the bound goes on `F`',
    );
    const after = await open(session, fixed);
    assert.ok(!after.diagnostics.some((d) => d.range.start.line === lineOf('Send for Job<T>')));

    const hover = async (needle: string) => {
      const line = lineOf(needle);
      const character = lines[line].indexOf(needle.split(' ').pop()!);
      const h = await session.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: doc.uri },
        position: { line, character },
      });
      return h?.contents.value ?? '';
    };
    assert.match(
      await hover('pub struct Fragile'),
      /Reviewed, not flagged \(`missing-bound`\):.*`T: Send`.*thread::current\(\)\.id\(\)/,
    );
    assert.match(
      await hover('pub struct Foreign'),
      /Reviewed, not flagged.*every constructor of `Foreign` \(`new`\) is an `unsafe fn`/,
    );
    assert.match(await hover('pub struct Entry'), /Reviewed, not flagged.*`value` holds the value as `ManuallyDrop`/);
    assert.match(
      await hover('pub struct PerThread'),
      /Reviewed, not flagged.*`PerThread` keeps one value per thread: `get`, `get_or_first` find it by the calling thread's id/,
    );
    assert.match(
      await hover('pub struct Held'),
      /Reviewed, not flagged.*asks nothing of `S` for `_guard` \(a lock on a `HashMap<K, V, S>`\).*only keeps the lock held/,
    );
    assert.doesNotMatch(await hover('pub struct Tagged'), /Reviewed/);
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});

test('an impl with a comment that is not labelled SAFETY: the warning says so, and a fix labels the comment, deleting nothing', async () => {
  const text = [
    'pub struct Odb { raw: *mut u8 }',
    '',
    '// `git_odb` uses locking and atomics internally.',
    'unsafe impl Send for Odb {}',
    '',
    'pub struct Bare { raw: *mut u8 }',
    'unsafe impl Send for Bare {}',
    '',
  ].join('\n');
  const session = startSession();
  try {
    await initialize(session);
    const first = await open(session, text);
    const safety = first.diagnostics.filter((d) => d.code === 'missing-safety-comment');
    assert.equal(safety.length, 2, JSON.stringify(first.diagnostics));
    const [odb, bare] = safety;
    assert.match(odb.message, /`unsafe impl Send for Odb` has a comment above it, but not a `\/\/ SAFETY:` one/);
    assert.match(bare.message, /`unsafe impl Send for Bare` has no `\/\/ SAFETY:` comment/);
    const actions = await actionsFor(session, first.uri, odb);
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        'Label the comment above `unsafe impl Send` as its `// SAFETY:` comment',
        'Add a `// SAFETY:` comment to `unsafe impl Send`',
      ],
    );
    assert.deepEqual(
      (await actionsFor(session, first.uri, bare)).map((a) => a.title),
      ['Add a `// SAFETY:` comment to `unsafe impl Send`'],
    );
    const labelled = applyEdits(text, actions[0].edit?.changes?.[first.uri] ?? []);
    assert.ok(
      labelled.includes('// SAFETY: `git_odb` uses locking and atomics internally.\nunsafe impl Send for Odb {}'),
      labelled,
    );
    assert.equal(labelled.replace('SAFETY: ', ''), text, 'the fix only inserts');
    const second = await open(session, labelled);
    assert.deepEqual(
      second.diagnostics
        .filter((d) => d.code === 'missing-safety-comment')
        .map((d) => d.message.split(' ').slice(0, 5).join(' ')),
      ['`unsafe impl Send for Bare`'],
    );
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});
