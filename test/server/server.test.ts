// The language server as an editor meets it: the built dist/server.js over real JSON-RPC on
// stdio. Open, pushed diagnostics, hover, quick fix applied and re-checked after an incremental
// change, close, settings, shutdown; and that no input makes it stop answering.
// Tests marked [engine] need the real analysis engine's verdicts and findings.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type InlayHint,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver/node';
import { applyEdits, initialize, ROOT, shutdown, startSession, type LspSession } from './lsp-session';

const URI = 'file:///project/src/lib.rs';

// Line numbers (0-based) matter below: `Foo` is on line 2, the impl on line 8.
const SOURCE = [
  'use std::rc::Rc;',
  '',
  'pub struct Foo {',
  '    a: Rc<u8>,',
  '}',
  '',
  'pub struct P(*const u8);',
  '',
  'unsafe impl Send for P {}',
  '',
].join('\n');

const INDENTED_SOURCE = [
  'pub struct P(*const u8);',
  '',
  'mod inner {',
  '    use super::P;',
  '    unsafe impl Send for P {}',
  '}',
  '',
].join('\n');

async function withSession(run: (session: LspSession) => Promise<void>): Promise<void> {
  const session = startSession();
  try {
    await initialize(session);
    await run(session);
    assert.equal(await shutdown(session), 0, `server exited badly; stderr: ${session.stderr()}`);
  } finally {
    session.kill();
  }
}

async function open(session: LspSession, text: string, uri = URI, languageId = 'rust'): Promise<Diagnostic[]> {
  const published = session.nextDiagnostics(uri);
  await session.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId, version: 1, text },
  });
  return (await published).diagnostics;
}

function safetyFindings(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.code === 'missing-safety-comment');
}

test('initialize advertises incremental sync, hover, inlay hints and quick fixes', async () => {
  const session = startSession();
  try {
    const result = await initialize(session);
    const capabilities = result.capabilities as {
      textDocumentSync: { openClose: boolean; change: number };
      hoverProvider: boolean;
      codeActionProvider: { codeActionKinds: string[] };
    };
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.codeActionProvider.codeActionKinds, ['quickfix']);
    assert.equal((result.capabilities as { inlayHintProvider?: unknown }).inlayHintProvider, true);
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});

test('diagnostics are pushed on open and after each change, and cleared on close', async () => {
  await withSession(async (session) => {
    await open(session, 'pub struct A;\n');
    const afterChange = session.nextDiagnostics(URI, (p) => p.version === 2);
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [
        { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'pub struct B;\n' },
      ],
    });
    await afterChange;
    const cleared = session.nextDiagnostics(URI);
    await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: URI } });
    assert.deepEqual((await cleared).diagnostics, []);
  });
});

test('documents that are not Rust get no diagnostics', async () => {
  await withSession(async (session) => {
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'file:///project/notes.txt', languageId: 'plaintext', version: 1, text: SOURCE },
    });
    await open(session, 'pub struct A;\n'); // answered after the text file was handled
    assert.deepEqual(
      session.published.map((p) => p.uri),
      [URI],
    );
  });
});

test('[engine] a missing SAFETY comment is pushed on open, with source, code and docs link', async () => {
  await withSession(async (session) => {
    const findings = safetyFindings(await open(session, SOURCE));
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [finding] = findings;
    assert.equal(finding.source, 'rust-send-sync');
    assert.equal(finding.severity, 2); // warning, the default
    assert.equal(
      finding.codeDescription?.href,
      'https://github.com/rust-send-sync/rust-send-sync#missing-safety-comment',
    );
    assert.equal(finding.range.start.line, 8);
  });
});

test('[engine] hover on a struct name gives its Send/Sync verdict and reasons', async () => {
  await withSession(async (session) => {
    await open(session, SOURCE);
    const hover = await session.connection.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 2, character: 12 }, // inside `Foo`
    });
    assert.ok(hover !== null, 'hover on Foo');
    const markdown = (hover.contents as MarkupContent).value;
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    const firstLine = markdown.split('\n')[0];
    assert.match(firstLine, /\*\*Send\*\* ✗/);
    assert.match(firstLine, /\*\*Sync\*\* ✗/);
    assert.match(markdown, /Rc/);
    assert.match(markdown, /\]\(https:\/\/doc\.rust-lang\.org\//);
  });
});

test('[engine] hover reads the verdicts of the text it is on: a macro-declared type, after a mention, then after an edit', async () => {
  // The editor's analysis reports types when first read, after the diagnostics; a hover on a
  // mention first frees the macro expansion that declares `FromMacro`.
  const text = [
    'use std::rc::Rc;',
    'macro_rules! items { ($($i:item)*) => { $($i)* }; }',
    'items! { pub struct FromMacro(Rc<u8>); }',
    'pub struct Holder { inner: FromMacro }',
    '',
  ].join('\n');
  await withSession(async (session) => {
    await open(session, text);
    const hoverAt = async (line: number, character: number): Promise<string> => {
      const hover = await session.connection.sendRequest<Hover | null>('textDocument/hover', {
        textDocument: { uri: URI },
        position: { line, character },
      });
      assert.ok(hover !== null, `a hover at ${line}:${character}`);
      return (hover.contents as MarkupContent).value.split('\n')[0];
    };
    const mention = text.split('\n')[3].indexOf('FromMacro') + 2;
    const declared = text.split('\n')[2].indexOf('FromMacro') + 2;
    assert.match(await hoverAt(3, mention), /\*\*Send\*\* ✗/);
    assert.match(await hoverAt(2, declared), /\*\*Send\*\* ✗/);
    const republished = session.nextDiagnostics(URI);
    const rc = text.split('\n')[2].indexOf('Rc<u8>');
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [
        { range: { start: { line: 2, character: rc }, end: { line: 2, character: rc + 2 } }, text: 'Box' },
      ],
    });
    await republished;
    assert.match(await hoverAt(2, declared), /\*\*Send\*\* ✓/);
    assert.match(await hoverAt(3, mention), /\*\*Send\*\* ✓/);
  });
});

test('[engine] inlay hints, once turned on, give the verdicts and the conditions of generics', async () => {
  await withSession(async (session) => {
    const text = [
      'use std::cell::Cell;',
      'pub struct Counter { hits: Cell<u32> }',
      'pub struct Wrap<T> { value: Box<T> }',
      '',
    ].join('\n');
    await open(session, text);
    const hints = () =>
      session.connection.sendRequest<InlayHint[]>('textDocument/inlayHint', {
        textDocument: { uri: URI },
        range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
      });
    assert.deepEqual(await hints(), []);
    session.settings.value = { inlayHints: { enable: true } };
    const republished = session.nextDiagnostics(URI);
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await republished;
    const on = await hints();
    assert.deepEqual(
      on.map((h) => [h.position, h.label]),
      [
        [{ line: 1, character: 18 }, 'Send · !Sync'],
        [{ line: 2, character: 18 }, 'Send if T: Send · Sync if T: Sync'],
      ],
    );
    assert.match((on[0].tooltip as MarkupContent).value, /Not `Sync`:\n- .*Cell/);
  });
});

test('inlay hints: none for a type a macro call declares, whose name is not written where its hint would go', async () => {
  await withSession(async (session) => {
    const text = [
      'macro_rules! define_endian {',
      '    ($endian:ident) => {',
      '        pub struct $endian<T>(T);',
      '    };',
      '}',
      'define_endian!(BigEndian);',
      'pub struct Key(pub BigEndian<std::rc::Rc<u8>>);',
      '',
    ].join('\n');
    await open(session, text);
    session.settings.value = { inlayHints: { enable: true } };
    const republished = session.nextDiagnostics(URI);
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await republished;
    const hints = await session.connection.sendRequest<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    // `Key` is read through the expansion (not `unknown`); `BigEndian` has no name to follow.
    assert.deepEqual(
      hints.map((hint) => [hint.position, hint.label]),
      [[{ line: 6, character: 14 }, '!Send · !Sync']],
    );
  });
});

test('hover away from a type name, out of range, or on an unopened file answers null', async () => {
  await withSession(async (session) => {
    await open(session, SOURCE);
    const ask = (uri: string, line: number, character: number): Promise<Hover | null> =>
      session.connection.sendRequest<Hover | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line, character },
      });
    assert.equal(await ask(URI, 1, 0), null); // blank line
    assert.equal(await ask(URI, 3, 6), null); // inside a field type
    assert.equal(await ask(URI, 9999, 9999), null);
    assert.equal(await ask(URI, -1, -5), null);
    assert.equal(await ask('file:///project/never-opened.rs', 0, 0), null);
  });
});

async function quickFix(session: LspSession, diagnostic: Diagnostic): Promise<CodeAction> {
  const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: URI },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ['quickfix'] },
  });
  const action = actions.find((a) => a.diagnostics?.some((d) => d.code === 'missing-safety-comment'));
  assert.ok(action, `a quick fix for the missing SAFETY comment among ${JSON.stringify(actions)}`);
  assert.equal(action.kind, 'quickfix');
  return action;
}

function insertionsOf(action: CodeAction): TextEdit[] {
  const edits = action.edit?.changes?.[URI];
  assert.ok(edits !== undefined && edits.length > 0, 'the action edits this document');
  for (const edit of edits) assert.deepEqual(edit.range.start, edit.range.end, 'fixes only insert');
  return edits;
}

test('[engine] the quick fix inserts `// SAFETY: ` above the impl and the finding goes away', async () => {
  await withSession(async (session) => {
    const [finding] = safetyFindings(await open(session, SOURCE));
    assert.ok(finding, 'the finding to fix');
    const edits = insertionsOf(await quickFix(session, finding));
    const fixed = applyEdits(SOURCE, edits);
    const lines = fixed.split('\n');
    const implLine = lines.findIndex((l) => l.startsWith('unsafe impl Send for P'));
    assert.match(lines[implLine - 1], /^\/\/ SAFETY: /);

    // Send the fix as the editor would: incremental changes, one per insertion.
    const afterFix = session.nextDiagnostics(URI, (p) => p.version === 2);
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [...edits]
        .sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)
        .map((edit) => ({ range: edit.range, text: edit.newText })),
    });
    assert.deepEqual(safetyFindings((await afterFix).diagnostics), []);
  });
});

test('[engine] the SAFETY fix keeps the impl indentation', async () => {
  await withSession(async (session) => {
    const [finding] = safetyFindings(await open(session, INDENTED_SOURCE));
    assert.ok(finding, 'the finding to fix');
    const lines = applyEdits(INDENTED_SOURCE, insertionsOf(await quickFix(session, finding))).split('\n');
    const implLine = lines.findIndex((l) => l.includes('unsafe impl Send for P'));
    assert.match(lines[implLine - 1], /^ {4}\/\/ SAFETY: /);
  });
});

test('[engine] rule settings change severity or silence a rule, and apply on didChangeConfiguration', async () => {
  await withSession(async (session) => {
    session.settings.value = { rules: { 'missing-safety-comment': 'error' } };
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const [asError] = safetyFindings(await open(session, SOURCE));
    assert.equal(asError?.severity, 1);

    session.settings.value = { rules: { 'missing-safety-comment': 'off' } };
    const republished = session.nextDiagnostics(URI);
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(safetyFindings((await republished).diagnostics), []);

    session.settings.value = { enable: false };
    const disabled = session.nextDiagnostics(URI);
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual((await disabled).diagnostics, []);
  });
});

test('the server keeps answering after garbage, bad params and out-of-order notifications', async () => {
  await withSession(async (session) => {
    const framed = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    session.writeRaw(framed('{this is not json'));
    session.writeRaw(framed('{"jsonrpc":"2.0","what":"neither request nor notification"}'));
    session.writeRaw(framed('{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":42}}'));
    session.writeRaw(framed('[1,2,3]'));

    const { connection } = session;
    // A change and a close for documents that were never opened.
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: 'file:///project/ghost.rs', version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }],
    });
    await connection.sendNotification('textDocument/didClose', { textDocument: { uri: 'file:///project/ghost2.rs' } });
    // Requests with nonsense params, and for documents that are not open.
    assert.equal(await connection.sendRequest('textDocument/hover', { textDocument: { uri: URI } }), null);
    assert.equal(await connection.sendRequest('textDocument/hover', { textDocument: 42, position: 'x' }), null);
    assert.deepEqual(
      await connection.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: null }),
      [],
    );
    assert.deepEqual(
      await connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: 'file:///project/ghost.rs' },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      }),
      [],
    );
    await assert.rejects(connection.sendRequest('rustSendSync/noSuchMethod', {}), /Unhandled method|not found/i);

    // Half-typed Rust and odd text are normal input.
    for (const text of ['struct Foo { a: Rc<', '\u0000\u0001\uffff', 'unsafe impl<T> Send for', '}'.repeat(5000)]) {
      const uri = `file:///project/odd-${text.length}.rs`;
      const published = session.nextDiagnostics(uri);
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'rust', version: 1, text },
      });
      assert.ok(Array.isArray((await published).diagnostics));
      await connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 8 },
      });
    }

    // Still alive and correct afterwards.
    await open(session, 'pub struct Alive;\n', 'file:///project/alive.rs');
  });
});

test('`node dist/cli.js --stdio` serves the same protocol', async () => {
  const session = startSession(['dist/cli.js', '--stdio']);
  try {
    const result = await initialize(session);
    assert.ok('hoverProvider' in result.capabilities);
    const diagnostics = await open(session, 'pub struct A;\n');
    assert.ok(Array.isArray(diagnostics));
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});

test('over --node-ipc, as VS Code starts it, the server answers and exits cleanly', async () => {
  const child = fork(join(ROOT, 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  connection.listen();
  try {
    const result = await connection.sendRequest<{ capabilities: { hoverProvider?: boolean } }>('initialize', {
      processId: null,
      rootUri: null,
      capabilities: {},
    });
    assert.equal(result.capabilities.hoverProvider, true);
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    connection.dispose();
    child.kill();
  }
});

const TASK = [
  'use std::future::Future;',
  'use std::sync::{Arc, Mutex};',
  "fn spawn<F: Future + Send + 'static>(_f: F) {}",
  'async fn pause() {}',
  'async fn bump(m: Arc<Mutex<u32>>) {',
  '    let mut guard = m.lock().unwrap();',
  '    pause().await;',
  '    *guard += 1;',
  '}',
  'pub fn start(m: Arc<Mutex<u32>>) {',
  '    spawn(bump(m));',
  '}',
  '',
].join('\n');

test('[engine] future-not-send on a spawn call links the held guard and the .await; hover on the async fn explains', async () => {
  await withSession(async (session) => {
    const diagnostics = (await open(session, TASK)).filter((d) => d.code === 'future-not-send');
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.deepEqual(d.range, { start: { line: 10, character: 4 }, end: { line: 10, character: 18 } });
    assert.match(d.message, /^`spawn` requires a `Send` future, but `bump\(m\)` is not `Send`/);
    assert.deepEqual(
      d.relatedInformation?.map((r) => [r.location.range.start.line, r.message.slice(0, 30)]),
      [
        [5, '`guard: MutexGuard<u32>` (line'],
        [6, '`guard` is still held at this '],
      ],
    );
    const hover = await session.connection.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 4, character: 10 },
    });
    const text = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.equal(text.split('\n')[0], '**Send** ✗ — the future of `async fn bump`');
    assert.ok(
      text.includes(
        '- `guard: MutexGuard<u32>` (line 6) is held across `.await` (line 7): `MutexGuard` is never `Send`',
      ),
      text,
    );
  });
});
