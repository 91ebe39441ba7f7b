// The server opened on a whole folder of crates (the corpus as the workspace folder), as an editor
// meets it: hovers sent one after another from `initialized` until the server logs "indexed",
// their latency while it indexes and after, how long indexing took, and the server's peak
// resident memory (the kernel's high-water mark, and the largest of samples taken meanwhile).
// Hovers answered before the "indexed" line are the ones "while indexing", but for two reported
// on their own: the first (it waits for the file's first analysis, indexing or not) and the one
// sent before that line and answered after it (it waits for the first crate-wide analysis).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { INITIALIZE_PARAMS, shutdown, startSession, type LspSession } from '../test/server/lsp-session';
import { residentBytes, typeNamePositions, type Latency } from './server-bench';
import { percentile } from './stats';

const INDEX_TIMEOUT_MS = 300_000;
const HOVERS_AFTER = 200;

export interface IndexingFigures {
  folder: string;
  /** The file open while indexing, relative to the folder. */
  file: string;
  indexMs: number;
  hoverWhileIndexing: Latency & { max: number };
  /** The first hover, sent with the file just opened: it waits for the file's first analysis. */
  firstHoverMs: number;
  /**
   * The hover sent while indexing and answered after the "indexed" line: it also waited for the
   * first crate-wide analysis of the open file, which follows indexing (NaN if there was none).
   */
  hoverAcrossTheEnd: number;
  hoverAfterIndexing: Latency & { max: number };
  /** Hovers during indexing that returned contents (a hover on a type name should). */
  answeredWhileIndexing: number;
  /** The largest VmRSS sampled during the run, and the kernel's VmHWM at its end. */
  peakRss: number;
  highWaterRss: number;
  /** VmRSS once indexing is done and the hovers after it answered. */
  rssAfter: number;
}

function latencyWithMax(samples: number[]): Latency & { max: number } {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.length > 0 ? Math.max(...samples) : Number.NaN,
  };
}

/** The kernel's peak resident set of a process (Linux; the current RSS elsewhere). */
function highWaterBytes(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return residentBytes(pid);
}

/** Starts the server on `folder`, opens `file`, hovers its type names until "indexed", then some more. */
export async function benchIndexing(
  folder: string,
  file: string,
  log: (line: string) => void,
): Promise<IndexingFigures> {
  const session = startSession();
  const pid = session.process.pid!;
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, residentBytes(pid));
    } catch {
      // the process has ended
    }
  }, 25);
  try {
    session.connection.onRequest('window/workDoneProgress/create', () => null);
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    const names = typeNamePositions(text);
    const positions = names.length > 0 ? names : [{ line: 0, character: 0 }];
    const folderUri = pathToFileURL(folder).href;
    const started = performance.now();
    await session.connection.sendRequest('initialize', {
      ...INITIALIZE_PARAMS,
      rootUri: folderUri,
      workspaceFolders: [{ uri: folderUri, name: 'bench' }],
      capabilities: { ...INITIALIZE_PARAMS.capabilities, window: { workDoneProgress: true } },
    });
    await session.connection.sendNotification('initialized', {});
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'rust', version: 1, text },
    });
    // When the server's "indexed" log line arrives (looked for every 5 ms, while hovers are awaited).
    let indexMs: number | undefined;
    const watcher = setInterval(() => {
      if (indexMs === undefined && session.logs.some((l) => l.startsWith('indexed ')))
        indexMs = performance.now() - started;
    }, 5);
    const indexed = (): boolean => session.logs.some((l) => l.startsWith('indexed '));
    const during: number[] = [];
    let straddling = Number.NaN;
    let first = Number.NaN;
    let answered = 0;
    try {
      for (let i = 0; !indexed(); i++) {
        if (performance.now() - started > INDEX_TIMEOUT_MS) throw new Error('the server did not index within 300 s');
        const sent = performance.now();
        const hover = await hoverOnce(session, uri, positions[i % positions.length]);
        // Messages arrive in order: the log line read before the answer means the server ended
        // indexing first, and this hover also waited for what follows (the crate-wide analysis).
        if (i === 0) first = performance.now() - sent;
        else if (indexed()) straddling = performance.now() - sent;
        else during.push(performance.now() - sent);
        if (hover !== null) answered++;
      }
      while (indexMs === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      clearInterval(watcher);
    }
    log(`indexing: indexed in ${indexMs.toFixed(0)} ms, ${during.length} hovers meanwhile`);
    const after: number[] = [];
    for (let i = 0; i < HOVERS_AFTER; i++) {
      const sent = performance.now();
      await hoverOnce(session, uri, positions[i % positions.length]);
      after.push(performance.now() - sent);
    }
    const rssAfter = residentBytes(pid);
    const highWaterRss = highWaterBytes(pid);
    clearInterval(sampler);
    if ((await shutdown(session)) !== 0) throw new Error('the server did not exit cleanly after shutdown');
    return {
      folder,
      file: file.slice(folder.length + 1),
      indexMs,
      hoverWhileIndexing: latencyWithMax(during),
      hoverAcrossTheEnd: straddling,
      firstHoverMs: first,
      hoverAfterIndexing: latencyWithMax(after),
      answeredWhileIndexing: answered,
      peakRss: Math.max(peakRss, rssAfter),
      highWaterRss,
      rssAfter,
    };
  } finally {
    clearInterval(sampler);
    session.kill();
  }
}

function hoverOnce(session: LspSession, uri: string, position: { line: number; character: number }): Promise<unknown> {
  return session.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
}
