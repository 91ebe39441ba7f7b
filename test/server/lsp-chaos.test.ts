// LSP chaos over real JSON-RPC against dist/server.js: seeded random sequences of incremental
// edits (ranges past the end, reversed, multi-change), full-text changes, changes before open,
// rapid open/close, hovers and code actions at out-of-range positions and on closed documents,
// and cancelled requests. The server must answer each request with a result or a proper error,
// keep serving, and publish for every open document exactly the diagnostics the engine gives for
// the text the client holds (a model kept here, with LSP's clamping rules written out anew).
// Also: `exit` without `shutdown` ends the process with code 1, as the protocol says.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CancellationTokenSource, ResponseError, type Diagnostic } from 'vscode-languageserver/node';
import { createEngine, type Engine } from '../../server/src/engine';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import { defaultSettings } from '../../server/src/features/settings';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';
import { seededRandom, type Random } from '../seeded-random';
import { initialize, shutdown, startSession, type LspSession } from './lsp-session';

interface Pos {
  line: number;
  character: number;
}

const FIXTURES = readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'findings'))
  .filter((f) => f.endsWith('.rs'))
  .sort()
  .map((f) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'findings', f), 'utf8'));
const SNIPPETS = [
  '',
  'x',
  '\n',
  '\r\n',
  '{',
  '}',
  'é😀',
  'unsafe impl Send for P {}\n',
  '// SAFETY: fine\n',
  'pub struct P(*mut u8);\n',
  '/*',
  '"',
];

/** Offsets as LSP defines them: lines end at \r\n, \r or \n; a position past a line's end or
 *  past the last line is clamped. Written here independently of the server's document code. */
function offsetAt(text: string, pos: Pos): number {
  const starts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  if (pos.line < 0) return 0;
  if (pos.line >= starts.length) return text.length;
  const start = starts[pos.line];
  const next = pos.line + 1 < starts.length ? starts[pos.line + 1] : text.length;
  const end = text.slice(start, next).endsWith('\r\n')
    ? next - 2
    : /[\r\n]$/.test(text.slice(start, next))
      ? next - 1
      : next;
  return Math.max(start, Math.min(start + pos.character, end));
}

function applyChange(text: string, range: { start: Pos; end: Pos }, inserted: string): string {
  const a = offsetAt(text, range.start);
  const b = offsetAt(text, range.end);
  return text.slice(0, Math.min(a, b)) + inserted + text.slice(Math.max(a, b));
}

function randomPos(random: Random, text: string): Pos {
  const lines = text.split(/\r\n|\r|\n/).length;
  const line = random.chance(0.15)
    ? lines - 1 + random.int(4)
    : random.int(lines) - (random.chance(0.03) ? lines + 2 : 0);
  return { line, character: random.int(random.chance(0.1) ? 500 : 50) };
}

interface Doc {
  uri: string;
  text?: string; // undefined: closed
  version: number;
}

/** A request may fail only with a proper JSON-RPC error; anything else fails the test. */
async function answered(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    assert.ok(error instanceof ResponseError, `not a JSON-RPC error: ${String(error)}`);
  }
}

async function step(session: LspSession, random: Random, doc: Doc): Promise<void> {
  const c = session.connection;
  const roll = random.int(100);
  if (doc.text === undefined) {
    if (roll < 15) {
      // A change for a document that is not open: the server must ignore it.
      await c.sendNotification('textDocument/didChange', {
        textDocument: { uri: doc.uri, version: ++doc.version },
        contentChanges: [{ text: 'garbage' }],
      });
    } else if (roll < 70) {
      doc.text = random.pick(FIXTURES);
      await c.sendNotification('textDocument/didOpen', {
        textDocument: { uri: doc.uri, languageId: 'rust', version: ++doc.version, text: doc.text },
      });
    }
  } else if (roll < 62) {
    const changes = Array.from({ length: 1 + random.int(3) }, () => {
      const start = randomPos(random, doc.text!);
      // Mostly small edits near the start, as typing makes; now and then a wild or reversed range.
      const end = random.chance(0.85)
        ? { line: start.line, character: start.character + random.int(8) }
        : randomPos(random, doc.text!);
      const range = random.chance(0.1) ? { start: end, end: start } : { start, end };
      const text = random.pick(SNIPPETS);
      doc.text = applyChange(doc.text!, range, text);
      return { range, text };
    });
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc.uri, version: ++doc.version },
      contentChanges: changes,
    });
  } else if (roll < 64) {
    doc.text = random.pick(FIXTURES);
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc.uri, version: ++doc.version },
      contentChanges: [{ text: doc.text }],
    });
  } else if (roll < 67) {
    doc.text = undefined;
    await c.sendNotification('textDocument/didClose', { textDocument: { uri: doc.uri } });
  }
  if (roll % 3 === 0)
    await answered(
      c.sendRequest('textDocument/hover', {
        textDocument: { uri: doc.uri },
        position: randomPos(random, doc.text ?? ''),
      }),
    );
  if (roll % 5 === 0) {
    const range = { start: randomPos(random, doc.text ?? ''), end: randomPos(random, doc.text ?? '') };
    await answered(
      c.sendRequest('textDocument/codeAction', { textDocument: { uri: doc.uri }, range, context: { diagnostics: [] } }),
    );
  }
  if (roll % 7 === 0) {
    const source = new CancellationTokenSource();
    const request = c.sendRequest(
      'textDocument/hover',
      { textDocument: { uri: doc.uri }, position: { line: 0, character: 0 } },
      source.token,
    );
    source.cancel();
    await answered(request);
  }
}

/** For every open document: one more (empty) edit, then its diagnostics must be the engine's on
 *  the client's text. Returns how many diagnostics were compared. */
async function checkDiagnostics(session: LspSession, engine: Engine, docs: Doc[]): Promise<number> {
  let checked = 0;
  for (const doc of docs.filter((d) => d.text !== undefined)) {
    const version = ++doc.version;
    const published = session.nextDiagnostics(doc.uri, (p) => p.version === version, 15_000);
    const start = { line: 0, character: 0 };
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc.uri, version },
      contentChanges: [{ range: { start, end: start }, text: '' }],
    });
    const expected: Diagnostic[] = computeDiagnostics(engine.analyze(doc.text!), defaultSettings(), doc.uri);
    checked += expected.length;
    assert.deepEqual((await published).diagnostics, expected, `${doc.uri} at version ${version}`);
  }
  return checked;
}

test('random edits, opens, closes and requests: the server keeps serving and its diagnostics match the text', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir() });
  const session = startSession();
  try {
    await initialize(session);
    const random = seededRandom(42);
    const docs: Doc[] = [0, 1, 2].map((n) => ({ uri: `file:///chaos/doc${n}.rs`, version: 0 }));
    let checked = 0;
    for (let i = 1; i <= 1000; i++) {
      await step(session, random, random.pick(docs));
      if (i % 50 === 0) checked += await checkDiagnostics(session, engine, docs);
    }
    assert.ok(checked >= 20, `only ${checked} diagnostics compared: the texts say too little`);
    assert.equal(await shutdown(session), 0, `stderr: ${session.stderr()}`);
  } finally {
    session.kill();
  }
});

test('exit without shutdown ends the server with code 1', async () => {
  const session = startSession();
  try {
    await initialize(session);
    await session.connection.sendNotification('exit');
    assert.equal(await session.exited, 1);
  } finally {
    session.kill();
  }
});
