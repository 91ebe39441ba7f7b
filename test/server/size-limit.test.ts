// The server's limits over real JSON-RPC: a file over the size limit (`rustSendSync.maxFileSizeMB`),
// or whose parse is given up (too broken to read in time), gets one note saying why it is skipped
// and no hover; once edited back into shape, it is analysed again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialize, shutdown, startSession } from './lsp-session';
import { slowToParse } from '../slow-parse';

const URI = 'file:///project/src/big.rs';

test('a file over maxFileSizeMB is skipped with a note, and analysed again once under it', async () => {
  const session = startSession();
  try {
    session.settings.value = { maxFileSizeMB: 0.001 }; // 1,049 bytes
    await initialize(session);
    const padding = `// ${'x'.repeat(1100)}\n`;
    const text = `${padding}pub struct P(*const u8);\nunsafe impl Send for P {}\n`;
    const opened = session.nextDiagnostics(URI);
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: URI, languageId: 'rust', version: 1, text },
    });
    const skipped = (await opened).diagnostics;
    assert.equal(skipped.length, 1);
    assert.match(
      skipped[0].message,
      /skipped this file: 1.1 KB is over the 1 KB limit \(setting `rustSendSync\.maxFileSizeMB`\)/,
    );
    const hover = await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 1, character: 11 },
    });
    assert.equal(hover, null);

    const analysed = session.nextDiagnostics(URI, (p) => p.version === 2);
    const end = { line: 0, character: padding.length - 1 };
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end }, text: '' }],
    });
    const codes = (await analysed).diagnostics.map((d) => d.code);
    assert.ok(codes.includes('missing-safety-comment'), `analysed again: ${JSON.stringify(codes)}`);
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});

test('a file whose parse is given up is skipped with a note; the server goes on, and the fixed file is analysed', async () => {
  const session = startSession();
  try {
    await initialize(session);
    const slow = `pub struct Q(*const u8);\nunsafe impl Send for Q {}\n${slowToParse()}`;
    const opened = session.nextDiagnostics(URI, undefined, 20_000);
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: URI, languageId: 'rust', version: 1, text: slow },
    });
    const skipped = (await opened).diagnostics;
    assert.equal(skipped.length, 1);
    assert.match(
      skipped[0].message,
      /skipped this file: parsing took over \d+ ms: the text is too broken to read in time/,
    );
    const hover = await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 0, character: 11 },
    });
    assert.equal(hover, null);

    // Another file meanwhile: answered as usual.
    const other = 'file:///project/src/other.rs';
    const otherDiagnostics = session.nextDiagnostics(other);
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: other,
        languageId: 'rust',
        version: 1,
        text: 'pub struct R(*const u8);\nunsafe impl Sync for R {}\n',
      },
    });
    assert.deepEqual(
      (await otherDiagnostics).diagnostics.map((d) => d.code),
      ['missing-safety-comment'],
    );

    // The broken tail deleted: analysed again.
    const analysed = session.nextDiagnostics(URI, (p) => p.version === 2, 20_000);
    const lines = slow.split('\n');
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [
        { range: { start: { line: 2, character: 0 }, end: { line: lines.length - 1, character: 0 } }, text: '' },
      ],
    });
    assert.deepEqual(
      (await analysed).diagnostics.map((d) => d.code),
      ['missing-safety-comment'],
    );
    assert.equal(await shutdown(session), 0);
  } finally {
    session.kill();
  }
});
