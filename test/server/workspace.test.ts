// The server on a Cargo workspace, over real JSON-RPC: it indexes the folder at start (with a
// work-done progress), answers hover on a type crate-wide and on a mention in another file, keeps
// verdicts current from an open buffer and from a file changed on disk (watched-file event), and
// serves the crate report. The crate is a copy of test/fixtures/crates/{app,helper}.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { TypeListItem } from '../../common/protocol';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { INITIALIZE_PARAMS, ROOT, shutdown, startSession, type LspSession } from './lsp-session';

function copyCrates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rss-ws-'));
  for (const name of ['app', 'helper'])
    cpSync(join(ROOT, 'test', 'fixtures', 'crates', name), join(dir, name), { recursive: true });
  return dir;
}

async function startIn(folder: string, settings: unknown = null): Promise<{ session: LspSession; progress: string[] }> {
  const session = startSession();
  session.settings.value = settings;
  const progress: string[] = [];
  session.connection.onRequest('window/workDoneProgress/create', () => null);
  session.connection.onNotification(
    '$/progress',
    (p: { value: { kind: string; title?: string; message?: string } }) => {
      progress.push(
        `${p.value.kind}${p.value.title ? ` ${p.value.title}` : ''}${p.value.message ? ` ${p.value.message}` : ''}`,
      );
    },
  );
  const indexed = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (session.logs.some((l) => l.startsWith('indexed '))) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  await session.connection.sendRequest('initialize', {
    ...INITIALIZE_PARAMS,
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'ws' }],
    capabilities: {
      ...INITIALIZE_PARAMS.capabilities,
      window: { workDoneProgress: true },
      workspace: { ...INITIALIZE_PARAMS.capabilities.workspace, didChangeWatchedFiles: { dynamicRegistration: true } },
    },
  });
  await session.connection.sendNotification('initialized', {});
  await indexed;
  return { session, progress };
}

async function hoverText(session: LspSession, uri: string, line: number, character: number): Promise<string> {
  const hover = await session.connection.sendRequest<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line, character },
  });
  return hover ? (hover.contents as MarkupContent).value : '';
}

async function openFile(session: LspSession, path: string): Promise<string> {
  const uri = pathToFileURL(path).href;
  const published = session.nextDiagnostics(uri);
  await session.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'rust', version: 1, text: readFileSync(path, 'utf8') },
  });
  await published;
  return uri;
}

test('the server indexes the crate with progress and answers hover crate-wide, also on a mention', async () => {
  const dir = copyCrates();
  const { session, progress } = await startIn(dir);
  try {
    assert.ok(
      progress.some((p) => p.startsWith('begin Rust Send/Sync: indexing crates')),
      progress.join('\n'),
    );
    assert.ok(progress.includes('end'), progress.join('\n'));
    const uri = await openFile(session, join(dir, 'app', 'src', 'worker', 'mod.rs'));
    // `pub struct Worker {` is line 5; its fields come from another crate and a vendored one.
    const worker = await hoverText(session, uri, 5, 12);
    assert.match(worker.split('\n')[0], /\*\*Send\*\* ✓ · \*\*Sync\*\* ✗/);
    // `queue: Queue<Job>,` on line 6: hover on the mention of `Queue` (crate `helper`).
    const queue = await hoverText(session, uri, 6, 12);
    assert.match(queue, /queue::Queue<T>/);
    assert.match(queue, /`T: Send`/);
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verdicts follow an edit in another open file, and a change on disk of a closed file', async () => {
  const dir = copyCrates();
  const { session } = await startIn(dir);
  try {
    const jobPath = join(dir, 'app', 'src', 'worker', 'job.rs');
    const workerUri = await openFile(session, join(dir, 'app', 'src', 'worker', 'mod.rs'));
    const jobUri = await openFile(session, jobPath);
    assert.match((await hoverText(session, workerUri, 5, 12)).split('\n')[0], /\*\*Send\*\* ✓/);
    // In the open buffer of job.rs, `retries` becomes an Rc: Job, so Worker, stop being Send.
    const edited = readFileSync(jobPath, 'utf8').replace('retries: Cell<u8>,', 'retries: std::rc::Rc<u8>,');
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: jobUri, version: 2 },
      contentChanges: [{ text: edited }],
    });
    assert.match((await hoverText(session, workerUri, 5, 12)).split('\n')[0], /\*\*Send\*\* ✗/);
    // Closing the buffer goes back to the disk's text; then the disk changes the helper crate.
    await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: jobUri } });
    assert.match((await hoverText(session, workerUri, 5, 12)).split('\n')[0], /\*\*Send\*\* ✓/);
    const queuePath = join(dir, 'helper', 'src', 'queue.rs');
    writeFileSync(queuePath, readFileSync(queuePath, 'utf8').replace('len: usize,', 'len: std::rc::Rc<usize>,'));
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(queuePath).href, type: 2 }],
    });
    assert.match((await hoverText(session, workerUri, 5, 12)).split('\n')[0], /\*\*Send\*\* ✗/);
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rustSendSync/report returns the markdown overview of the workspace crates', async () => {
  const dir = copyCrates();
  const { session } = await startIn(dir);
  try {
    const report = await session.connection.sendRequest<string>('rustSendSync/report');
    assert.match(report, /^# Send\/Sync report/);
    assert.match(report, /^## app\/src\/worker\/job\.rs$/m);
    assert.match(report, /`struct worker::Worker`/);
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rustSendSync/types lists every type for the types view: where it is, its verdicts, why', async () => {
  const dir = copyCrates();
  const { session } = await startIn(dir);
  try {
    const items = await session.connection.sendRequest<TypeListItem[]>('rustSendSync/types');
    const worker = items.find((i) => i.title === 'struct worker::Worker');
    assert.ok(worker, JSON.stringify(items.map((i) => i.title)));
    assert.equal(worker.file, 'app/src/worker/mod.rs');
    const path = join(dir, ...worker.file.split('/'));
    assert.equal(worker.uri, pathToFileURL(path).href);
    const line = readFileSync(path, 'utf8').split('\n')[worker.line];
    assert.equal(line.slice(worker.character, worker.character + 'Worker'.length), 'Worker');
    assert.match(worker.verdicts, /Send.*·.*Sync/);
    // The flags agree with the one-line verdicts, for every type listed.
    for (const i of items) {
      assert.equal(i.notSend, i.verdicts.startsWith('!Send'), i.title);
      assert.equal(i.notSync, i.verdicts.includes('· !Sync'), i.title);
      if (i.notSend || i.notSync) assert.ok(i.reasons.length > 0, `${i.title} says why`);
    }
    assert.ok(
      items.some((i) => i.notSend || i.notSync),
      'the fixture crates hold a type that is not Send or Sync',
    );
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the allFeatures setting reads the code behind every feature, and changing it indexes again', async () => {
  const dir = copyCrates();
  const { session } = await startIn(dir, { allFeatures: true });
  try {
    const lib = join(dir, 'app', 'src', 'lib.rs');
    const uri = await openFile(session, lib);
    const line = readFileSync(lib, 'utf8')
      .split('\n')
      .findIndex((l) => l.startsWith('pub struct Featured'));
    // With the `slow` feature on, `Featured` has its `Rc` field.
    assert.match((await hoverText(session, uri, line, 12)).split('\n')[0], /\*\*Send\*\* ✗/);
    session.settings.value = { allFeatures: false };
    const indexed = session.logs.filter((l) => l.startsWith('indexed ')).length;
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor(() => session.logs.filter((l) => l.startsWith('indexed ')).length > indexed);
    assert.match((await hoverText(session, uri, line, 12)).split('\n')[0], /\*\*Send\*\* ✓/);
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error('timed out'));
      }
    }, 20);
  });
}

test('hover on a type of a module behind an off feature gives its verdicts there, and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rss-ws-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'crates', 'gated'), join(dir, 'gated'), { recursive: true });
  const { session } = await startIn(dir);
  try {
    const uri = await openFile(session, join(dir, 'gated', 'src', 'sync', 'rwlock.rs'));
    // `pub struct Guarded<T>(RwLock<T>, super::super::Plain);` is line 2.
    const guarded = await hoverText(session, uri, 2, 12);
    assert.match(guarded.split('\n')[0], /\*\*Send\*\* if `T: Send` · \*\*Sync\*\* if `T: Send`, `T: Sync`/);
    assert.match(guarded, /Module `crate::sync` is compiled only with `#\[cfg\(feature = "sync"\)\]`, which is off/);
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a spawn in one file is checked against the futures of another file, and follows their edits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rss-ws-'));
  for (const name of ['tasks', 'tasks-rt'])
    cpSync(join(ROOT, 'test', 'fixtures', 'crates', name), join(dir, name), { recursive: true });
  const { session } = await startIn(join(dir, 'tasks'));
  try {
    const jobsPath = join(dir, 'tasks', 'src', 'jobs.rs');
    const storePath = join(dir, 'tasks', 'src', 'store.rs');
    const jobsUri = pathToFileURL(jobsPath).href;
    const first = session.nextDiagnostics(jobsUri);
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: jobsUri, languageId: 'rust', version: 1, text: readFileSync(jobsPath, 'utf8') },
    });
    const spawns = (await first).diagnostics.filter((d) => d.code === 'future-not-send');
    const jobsText = readFileSync(jobsPath, 'utf8').split('\n');
    const marked = jobsText.flatMap((l, i) => (l.includes('//~ future-not-send') ? [i] : []));
    const recallLine = jobsText.findIndex((l) => l.includes('spawn(recall('));
    const holdLine = jobsText.findIndex((l) => l.includes('handle.spawn(hold('));
    assert.ok(marked.includes(recallLine) && marked.includes(holdLine));
    assert.deepEqual(
      spawns.map((d) => d.range.start.line),
      marked,
    );
    // `recall` awaits `Store::remember` (store.rs); `hold` goes to the dependency's `Handle::spawn`.
    const recall = spawns.find((d) => d.range.start.line === recallLine)!;
    assert.match(recall.message, /whose future \(in `src\/store\.rs`\) is not `Send`/);
    // Links stay in the file they are about: `hold` is in jobs.rs, `remember` is not.
    assert.equal(recall.relatedInformation?.length ?? 0, 0);
    const hold = spawns.find((d) => d.range.start.line === holdLine)!;
    assert.ok((hold.relatedInformation ?? []).length > 0);
    assert.ok((hold.relatedInformation ?? []).every((r) => r.location.uri === jobsUri));
    const hover = await hoverText(
      session,
      jobsUri,
      jobsText.findIndex((l) => l.includes('async fn recall')),
      10,
    );
    assert.match(hover, /src\/store\.rs/, hover);
    // Fixing `remember` in store.rs (dropping the Rc before the `.await`) clears that finding in jobs.rs.
    const storeUri = await openFile(session, storePath);
    const fixed = readFileSync(storePath, 'utf8').replace(
      'sleep(2).await;\n        drop(seen);',
      'drop(seen);\n        sleep(2).await;',
    );
    assert.notEqual(fixed, readFileSync(storePath, 'utf8'));
    const after = session.nextDiagnostics(
      jobsUri,
      (p) => p.diagnostics.filter((d) => d.code === 'future-not-send').length === marked.length - 1,
    );
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: storeUri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const left = (await after).diagnostics.filter((d) => d.code === 'future-not-send');
    assert.deepEqual(
      left.map((d) => d.range.start.line),
      marked.filter((n) => n !== recallLine),
    );
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A crate of `modules` files, each with `types` structs; `S{k}_1` holds a type of the next file. */
function writeBigCrate(dir: string, modules: number, types: number): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n');
  writeFileSync(join(dir, 'src', 'lib.rs'), Array.from({ length: modules }, (_, k) => `pub mod m${k};\n`).join(''));
  for (let k = 0; k < modules; k++) {
    const lines = ['use std::rc::Rc;', `pub struct S${k}_0 { pub a: Rc<u8> }`];
    for (let j = 1; j < types; j++)
      lines.push(`pub struct S${k}_${j} { pub a: u32, pub b: crate::m${(k + 1) % modules}::S${(k + 1) % modules}_0 }`);
    writeFileSync(join(dir, 'src', `m${k}.rs`), `${lines.join('\n')}\n`);
  }
}

test('a hover sent while the workspace is indexed is answered before the indexing ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rss-ws-'));
  writeBigCrate(join(dir, 'big'), 150, 40);
  const session = startSession();
  const events: string[] = [];
  let markOpened = (): void => undefined;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const path = join(dir, 'big', 'src', 'm0.rs');
  const uri = pathToFileURL(path).href;
  // `pub struct S0_1 {` on line 2: its field `b` is `m1::S1_0`, which holds an `Rc`.
  const hover = (): Promise<string> =>
    session.connection
      .sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 12 } })
      .then((h) => (h ? (h.contents as MarkupContent).value : ''));
  let during: Promise<string> | undefined;
  // The indexing starts once the progress is made: by then the document is open.
  session.connection.onRequest('window/workDoneProgress/create', () => opened.then(() => null));
  session.connection.onNotification('$/progress', (p: { value: { kind: string } }) => {
    events.push(p.value.kind);
    // As soon as the indexing says where it is, a hover goes out; it must not wait for the end.
    if (p.value.kind === 'report' && during === undefined)
      during = hover().then((text) => {
        events.push('hover');
        return text;
      });
  });
  try {
    await session.connection.sendRequest('initialize', {
      ...INITIALIZE_PARAMS,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { ...INITIALIZE_PARAMS.capabilities, window: { workDoneProgress: true } },
    });
    await session.connection.sendNotification('initialized', {});
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'rust', version: 1, text: readFileSync(path, 'utf8') },
    });
    markOpened();
    await waitFor(() => events.includes('end') && events.includes('hover'), 60_000);
    assert.deepEqual(
      events.filter((e) => e !== 'report'),
      ['begin', 'hover', 'end'],
      events.join(' '),
    );
    // Answered then from the file alone (the other file's type is not known yet: unknown) ...
    assert.match((await during!).split('\n')[0], /\*\*Send\*\* \?/);
    // ... and after the indexing crate-wide, as a crate read whole at once answers.
    await waitFor(() => session.logs.some((l) => l.startsWith('indexed ')));
    assert.match((await hover()).split('\n')[0], /\*\*Send\*\* ✗/);
    assert.equal(await shutdown(session), 0, session.stderr());
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
