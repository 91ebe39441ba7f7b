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
