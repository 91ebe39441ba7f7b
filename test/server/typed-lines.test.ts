// Typing lines in a file whose futures are reported, over real JSON-RPC against dist/server.js:
// the server keeps each fn's futures results and moves them below a typed line (fn-reuse.ts,
// text-moves.ts), so after every edit the published diagnostics must be those of an analysis
// from nothing, down to the lines their messages name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import { defaultSettings } from '../../server/src/features/settings';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';
import { initialize, shutdown, startSession } from './lsp-session';

const FIXTURE = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'futures', 'spawn.rs'), 'utf8');

test('lines typed above and between spawned futures: the diagnostics name the lines where things now are', async () => {
  const cold = await createEngine({ wasmDir: findWasmDir(), reuseFutures: false });
  const session = startSession();
  const uri = 'file:///typed/spawn.rs';
  try {
    await initialize(session);
    let text = FIXTURE;
    let version = 1;
    const opened = session.nextDiagnostics(uri, (p) => p.version === version, 15_000);
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'rust', version, text },
    });
    await opened;
    const lines = () => text.split('\n');
    const at = (needle: string) => lines().findIndex((l) => l.includes(needle));
    // Each edit: a range of whole lines replaced (an empty one inserts).
    const edits: [string, () => number, number, string][] = [
      ['a line typed at the top', () => 0, 0, '\n'],
      ['a line typed in the body of an awaited fn', () => at('let guard = m.lock()') + 1, 0, '    let typed = 1;\n'],
      ['a blank line between fns', () => at('fn s1('), 0, '\n'],
      ['a doc comment above a fn', () => at('fn s2('), 0, '/// Spawns it.\n'],
      ['the line typed in the body removed', () => at('let typed = 1;'), 1, ''],
      ['two lines removed at the top', () => 0, 2, ''],
    ];
    let named = 0;
    for (const [what, where, removed, inserted] of edits) {
      const line = where();
      assert.ok(line >= 0, what);
      const range = { start: { line, character: 0 }, end: { line: line + removed, character: 0 } };
      const all = lines();
      text = [...all.slice(0, line), ...inserted.split('\n').slice(0, -1), ...all.slice(line + removed)].join('\n');
      version++;
      const published = session.nextDiagnostics(uri, (p) => p.version === version, 15_000);
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range, text: inserted }],
      });
      const expected = computeDiagnostics(cold.analyze(text), defaultSettings(), uri);
      const got = (await published).diagnostics;
      assert.deepEqual(got, expected, `after ${what}`);
      named += got.filter((d) => /\(line \d+\)/.test(d.message)).length;
    }
    // The check could fail: the futures' findings name lines, and the edits moved them.
    assert.ok(named >= edits.length, `only ${named} diagnostics naming a line`);
    assert.equal(await shutdown(session), 0, `stderr: ${session.stderr()}`);
  } finally {
    session.kill();
  }
});
