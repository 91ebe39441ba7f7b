// The language server measured as an editor meets it: dist/server.js over real JSON-RPC on stdio.
// Open -> first diagnostics on a ~5,000-line file, hover latency, edit -> new diagnostics, edit ->
// fresh analysis (an edit then a hover, which must analyse the new text: no debounce involved),
// resident memory with every file of a crate open, and memory over 10,000 edits.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Position, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { initialize, INITIALIZE_PARAMS, shutdown, startSession, type LspSession } from '../test/server/lsp-session';
import { MB, percentile } from './stats';

/** The server's quiet time after a change before it publishes a slow file (server.ts's default). */
export const SERVER_DEBOUNCE_MS = 75;
const LONG_WAIT_MS = 120_000;

export interface Latency {
  count: number;
  p50: number;
  p99: number;
}

export interface ServerFigures {
  /** Edits of one file of the crate opened as the workspace (the crate indexed): its name and latency. */
  workspaceEdit?: { file: string; lines: number; latency: Latency };
  bigFileLines: number;
  openToDiagnosticsMs: number;
  /** The first edits after the open, each waiting for its diagnostics (in order, ms). */
  firstEdits: number[];
  hover: Latency;
  editToDiagnostics: Latency;
  /** Edits that add or remove a line (Enter, then undone): what follows moves down or up. */
  lineEditToDiagnostics: Latency;
  editToFreshAnalysis: Latency;
  /** Edits of a file dense in `unsafe impl`s (see ServerBenchInput.denseFile). */
  denseEdit?: { lines: number; unsafeImpls: number; latency: Latency };
  crateFilesOpen: number;
  rssAllOpen: number;
  rssEdits: { edits: number; rss: number }[];
}

function latency(samples: number[]): Latency {
  return { count: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Resident set size of a process (Linux /proc; elsewhere `ps`). */
export function residentBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

/** A pseudo-random generator with a seed, so every bench run makes the same edits. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Positions of the names of `struct`/`enum`/`union` declarations: where hovers are asked. */
export function typeNamePositions(text: string): { line: number; character: number }[] {
  const positions: { line: number; character: number }[] = [];
  text.split('\n').forEach((line, index) => {
    const match = /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|union)\s+([A-Za-z_]\w*)/.exec(line);
    if (match?.[1] !== undefined)
      positions.push({ line: index, character: line.indexOf(match[1], match[0].length - match[1].length) });
  });
  return positions;
}

class OpenDocument {
  version = 1;
  constructor(
    readonly session: LspSession,
    readonly uri: string,
  ) {}

  async open(text: string): Promise<PublishDiagnosticsParams> {
    const published = this.session.nextDiagnostics(this.uri, undefined, LONG_WAIT_MS);
    await this.session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: this.uri, languageId: 'rust', version: this.version, text },
    });
    return published;
  }

  /** Inserts a space at the start of `line`, or deletes it again: the text returns to its shape. */
  async toggleSpace(line: number, insert: boolean): Promise<number> {
    const range = { start: { line, character: 0 }, end: { line, character: insert ? 0 : 1 } };
    return this.change(range, insert ? ' ' : '');
  }

  /** A line break typed at the start of `line` (the line moves down), or the one typed there removed. */
  async toggleLine(line: number, insert: boolean): Promise<number> {
    const range = {
      start: { line, character: 0 },
      end: insert ? { line, character: 0 } : { line: line + 1, character: 0 },
    };
    return this.change(range, insert ? '\n' : '');
  }

  private async change(range: { start: Position; end: Position }, text: string): Promise<number> {
    this.version += 1;
    await this.session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: this.uri, version: this.version },
      contentChanges: [{ range, text }],
    });
    return this.version;
  }

  hover(position: { line: number; character: number }): Promise<unknown> {
    return this.session.connection.sendRequest('textDocument/hover', { textDocument: { uri: this.uri }, position });
  }
}

async function measureHovers(
  doc: OpenDocument,
  names: { line: number; character: number }[],
  lines: number,
  count: number,
): Promise<Latency> {
  const random = seeded(1);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const position =
      i % 2 === 0 && names.length > 0
        ? names[i % names.length]
        : { line: Math.floor(random() * lines), character: Math.floor(random() * 40) };
    const started = performance.now();
    await doc.hover(position);
    samples.push(performance.now() - started);
  }
  return latency(samples);
}

/** How many edits right after the open are timed on their own. */
const FIRST_EDITS = 6;

async function measureEdits(doc: OpenDocument, lines: number, count: number, edit: Toggle = 'space'): Promise<Latency> {
  return latency(await editSamples(doc, lines, count, 2, edit));
}

/** What an edit types: a space at a line's start, or a line break (see OpenDocument). */
type Toggle = 'space' | 'line';

/**
 * `count` random lines, a space (or a line break) inserted then deleted at each: the time to each
 * edit's diagnostics.
 */
async function editSamples(
  doc: OpenDocument,
  lines: number,
  count: number,
  seed: number,
  edit: Toggle = 'space',
): Promise<number[]> {
  const random = seeded(seed);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const line = Math.floor(random() * lines);
    for (const insert of [true, false]) {
      const expected = doc.version + 1;
      const published = doc.session.nextDiagnostics(doc.uri, (p) => p.version === expected, LONG_WAIT_MS);
      const started = performance.now();
      await (edit === 'line' ? doc.toggleLine(line, insert) : doc.toggleSpace(line, insert));
      await published;
      samples.push(performance.now() - started);
    }
  }
  return samples;
}

async function measureFreshAnalysis(
  doc: OpenDocument,
  names: { line: number; character: number }[],
  lines: number,
  count: number,
): Promise<Latency> {
  const random = seeded(3);
  const samples: number[] = [];
  const target = names[0] ?? { line: 0, character: 0 };
  for (let i = 0; i < count; i++) {
    const line = Math.floor(random() * lines);
    for (const insert of [true, false]) {
      const started = performance.now();
      await doc.toggleSpace(line === target.line ? line + 1 : line, insert);
      await doc.hover(target);
      samples.push(performance.now() - started);
    }
  }
  return latency(samples);
}

/** 10,000 edits; every `analyseEvery`th is followed by a hover, which forces a reparse and analysis. */
async function measureEditMemory(
  doc: OpenDocument,
  lines: number,
  edits: number,
  analyseEvery: number,
): Promise<{ edits: number; rss: number }[]> {
  const random = seeded(4);
  const samples = [{ edits: 0, rss: residentBytes(doc.session.process.pid!) }];
  const step = edits / 20;
  for (let i = 1; i <= edits / 2; i++) {
    const line = Math.floor(random() * lines);
    await doc.toggleSpace(line, true);
    await doc.toggleSpace(line, false);
    if ((2 * i) % analyseEvery === 0) await doc.hover({ line: 0, character: 0 });
    if ((2 * i) % step === 0) samples.push({ edits: 2 * i, rss: residentBytes(doc.session.process.pid!) });
  }
  return samples;
}

async function openAll(session: LspSession, files: string[]): Promise<void> {
  const waits = files.map(async (file) => {
    const doc = new OpenDocument(session, pathToFileURL(file).href);
    await doc.open(readFileSync(file, 'utf8'));
  });
  await Promise.all(waits);
}

export interface ServerBenchInput {
  /** The crate's folder, opened as the workspace for `workspaceFile`'s edits. */
  crateDir?: string;
  /** A file of that crate, edited as the big file is (absent: not measured). */
  workspaceFile?: string;
  bigFile: string;
  /**
   * A file as long, dense in `unsafe impl`s (the repository's own fixtures: one in 15 lines),
   * where every rule runs on every impl: the rules' worst case, edited as the big file is.
   */
  denseFile?: string;
  crateFiles: string[];
  hovers: number;
  edits: number;
  memoryEdits: number;
}

export async function benchServer(input: ServerBenchInput, log: (line: string) => void): Promise<ServerFigures> {
  const session = startSession();
  try {
    await initialize(session);
    const lines = input.bigFile.split('\n').length;
    const warmUp = new OpenDocument(session, 'file:///bench/warm-up.rs');
    await warmUp.open('pub struct Warm(u8);\n');
    const doc = new OpenDocument(session, 'file:///bench/big.rs');
    const started = performance.now();
    await doc.open(input.bigFile);
    const openToDiagnosticsMs = performance.now() - started;
    // What a user typing right after opening sees: nothing measured yet, nothing warmed up.
    const firstEdits = await editSamples(doc, lines, FIRST_EDITS / 2, 3);
    const names = typeNamePositions(input.bigFile);
    log(`server: ${lines}-line file open; ${input.hovers} hovers`);
    const hover = await measureHovers(doc, names, lines, input.hovers);
    log(`server: ${input.edits} edits, each waiting for its diagnostics`);
    const editToDiagnostics = await measureEdits(doc, lines, input.edits / 2);
    log(`server: ${input.edits} line breaks typed and removed, each waiting for its diagnostics`);
    const lineEditToDiagnostics = await measureEdits(doc, lines, input.edits / 2, 'line');
    const editToFreshAnalysis = await measureFreshAnalysis(doc, names, lines, input.edits / 2);
    log(`server: ${input.memoryEdits} edits for memory`);
    const rssEdits = await measureEditMemory(doc, lines, input.memoryEdits, 5);
    let denseEdit: ServerFigures['denseEdit'];
    if (input.denseFile !== undefined) {
      const dense = new OpenDocument(session, 'file:///bench/dense.rs');
      const denseLines = input.denseFile.split('\n').length;
      const unsafeImpls = input.denseFile.match(/\bunsafe\s+impl\b/g)?.length ?? 0;
      await dense.open(input.denseFile);
      const count = Math.min(input.edits, 100);
      log(`server: ${count} edits of a ${denseLines}-line file with ${unsafeImpls} unsafe impls`);
      denseEdit = { lines: denseLines, unsafeImpls, latency: await measureEdits(dense, denseLines, count / 2) };
    }
    assert0(await shutdown(session));

    log(`server: opening ${input.crateFiles.length} files at once`);
    const rssAllOpen = await measureAllOpen(input.crateFiles);
    const workspaceEdit =
      input.crateDir !== undefined && input.workspaceFile !== undefined
        ? await measureWorkspaceEdits(input.crateDir, input.workspaceFile, input.edits, log)
        : undefined;
    return {
      ...(workspaceEdit ? { workspaceEdit } : {}),
      bigFileLines: lines,
      openToDiagnosticsMs,
      firstEdits,
      hover,
      editToDiagnostics,
      lineEditToDiagnostics,
      editToFreshAnalysis,
      ...(denseEdit ? { denseEdit } : {}),
      crateFilesOpen: input.crateFiles.length,
      rssAllOpen,
      rssEdits,
    };
  } finally {
    session.kill();
  }
}

/**
 * Edit -> diagnostics in a file of a crate opened as the workspace, once the server has indexed
 * it: what typing in one's own crate costs (the file is analysed crate-wide).
 */
async function measureWorkspaceEdits(
  crateDir: string,
  file: string,
  edits: number,
  log: (line: string) => void,
): Promise<{ file: string; lines: number; latency: Latency }> {
  const session = startSession();
  try {
    session.connection.onRequest('window/workDoneProgress/create', () => null);
    const root = pathToFileURL(crateDir).href;
    await session.connection.sendRequest('initialize', {
      ...INITIALIZE_PARAMS,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: 'crate' }],
    });
    await session.connection.sendNotification('initialized', {});
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length;
    const doc = new OpenDocument(session, pathToFileURL(file).href);
    await doc.open(text);
    const started = performance.now();
    while (!session.logs.some((l) => l.startsWith('indexed '))) {
      if (performance.now() - started > LONG_WAIT_MS) throw new Error('the workspace was not indexed in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    log(`server: ${edits} edits of ${file.slice(crateDir.length + 1)} in the indexed crate`);
    const latency = await measureEdits(doc, lines, edits / 2);
    assert0(await shutdown(session));
    return { file: file.slice(crateDir.length + 1), lines, latency };
  } finally {
    session.kill();
  }
}

async function measureAllOpen(files: string[]): Promise<number> {
  const session = startSession();
  try {
    await initialize(session);
    await openAll(session, files);
    const rss = residentBytes(session.process.pid!);
    assert0(await shutdown(session));
    return rss;
  } finally {
    session.kill();
  }
}

function assert0(code: number | null): void {
  if (code !== 0) throw new Error(`the server exited with ${code} after shutdown`);
}

export function describeRss(bytes: number): string {
  return `${(bytes / MB).toFixed(0)} MB`;
}
