// Which open documents the server analyses (Rust only, under the size limit), and running the
// engine on them without ever letting an exception escape: a failing analysis is logged and reads
// as "nothing found". Results are remembered per document revision, so hover right after a change
// costs nothing; with an engine that exposes its trees, each re-analysis parses incrementally.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyzeFile,
  EMPTY_ANALYSIS,
  ParseTimeout,
  releaseAnalysis,
  skippedAnalysis,
  type Engine,
  type FileAnalysis,
  type TreeEngine,
} from '../engine';
import type { DocumentTrees } from './document-trees';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { maxFileSizeBytes, SETTINGS_SECTION, type Settings } from './settings';
import type { WorkspaceIndex } from './workspace';

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export function isRustDocument(document: TextDocument): boolean {
  return document.languageId === 'rust' || document.uri.toLowerCase().endsWith('.rs');
}

export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export function analyzeSafely(engine: Engine, text: string, logger: Logger, label: string): FileAnalysis {
  try {
    return engine.analyze(text);
  } catch (error) {
    logger.error(`analysis of ${label} failed: ${describeError(error)}`);
    return EMPTY_ANALYSIS;
  }
}

function formatSize(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MB'] : [bytes / 1024, 'KB'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/** Why the document is not analysed (over the size limit), or undefined when it is. */
export function skipReason(document: TextDocument, settings: Settings): string | undefined {
  const limit = maxFileSizeBytes(settings);
  const text = document.getText();
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: count bytes only when the answer is in doubt.
  if (text.length * 3 <= limit) return undefined;
  // TextEncoder rather than Node's Buffer: the web worker has no Buffer.
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= limit) return undefined;
  return `Rust Send/Sync skipped this file: ${formatSize(bytes)} is over the ${formatSize(limit)} limit (setting \`${SETTINGS_SECTION}.maxFileSizeMB\`).`;
}

/** What a document whose analysis was given up (see ParseTimeout) is told. */
export function skippedMessage(reason: string): string {
  return `Rust Send/Sync skipped this file: ${reason}.`;
}

/** The one diagnostic a skipped document gets, at its start, saying why. */
export function skipDiagnostic(reason: string): Diagnostic {
  const start = { line: 0, character: 0 };
  return {
    range: { start, end: start },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message: reason,
  };
}

export interface AnalysisCache {
  /** The analysis of the document as it is now; empty when it is over the size limit. */
  get(document: TextDocument, settings: Settings): FileAnalysis;
  forget(uri: string): void;
}

export function isTreeEngine(engine: Engine): engine is TreeEngine {
  const candidate = engine as Partial<TreeEngine>;
  return typeof candidate.parse === 'function' && typeof candidate.analyzeTree === 'function';
}

export function createAnalysisCache(
  engine: Engine,
  trees: DocumentTrees,
  logger: Logger,
  workspace?: WorkspaceIndex,
): AnalysisCache {
  /** Analyses of files alone, by document revision (a crate's project keeps its own). */
  const entries = new Map<string, { revision: number; analysis: FileAnalysis }>();
  const alone = (document: TextDocument, revision: number): FileAnalysis => {
    const cached = entries.get(document.uri);
    // An analysis reads its tree's nodes (mentions are found on demand): served only while the
    // tree is alive; an evicted one is analysed again.
    const treeAlive = !isTreeEngine(engine) || trees.hasTree(document.uri);
    if (cached?.revision === revision && treeAlive) return cached.analysis;
    const analysis = analyze(document);
    if (cached) releaseAnalysis(cached.analysis);
    entries.set(document.uri, { revision, analysis });
    releaseEvicted();
    return analysis;
  };
  /**
   * An analysis whose document lost its tree is never served again: the trees it keeps for its
   * mentions are freed at once (with hundreds of documents open, they were most of the memory).
   */
  const releaseEvicted = (): void => {
    if (!isTreeEngine(engine)) return;
    for (const [uri, entry] of entries)
      if (!trees.hasTree(uri)) {
        releaseAnalysis(entry.analysis);
        entries.delete(uri);
      }
  };
  const analyze = (document: TextDocument): FileAnalysis => {
    if (!isTreeEngine(engine)) return analyzeSafely(engine, document.getText(), logger, document.uri);
    try {
      const tree = trees.treeFor(document, (text, oldTree) => engine.parse(text, oldTree));
      return engine.analyzeTree(tree, document.getText());
    } catch (error) {
      if (error instanceof ParseTimeout) {
        // Kept for this revision like any analysis: asked again (a hover), it is not parsed again.
        trees.dropTree(document.uri);
        logger.info(`${document.uri}: not analysed, ${error.message}`);
        return skippedAnalysis(error);
      }
      logger.error(`analysis of ${document.uri} failed: ${describeError(error)}`);
      trees.dropTree(document.uri); // a tree that took part in a failure is not reused
      return EMPTY_ANALYSIS;
    }
  };
  return {
    get(document, settings) {
      if (skipReason(document, settings) !== undefined) {
        trees.dropTree(document.uri);
        return EMPTY_ANALYSIS;
      }
      const revision = trees.revision(document.uri);
      try {
        // A file of an indexed crate gets its current text into the crate, then the crate's analysis.
        if (workspace?.owns(document)) workspace.sync(document);
        return analyzeFile(workspace?.project, workspace?.pathOf(document.uri), () => alone(document, revision));
      } catch (error) {
        logger.error(
          `crate-wide analysis of ${document.uri} failed, analysing the file alone: ${describeError(error)}`,
        );
        return alone(document, revision);
      }
    },
    forget(uri) {
      const entry = entries.get(uri);
      if (entry) releaseAnalysis(entry.analysis);
      entries.delete(uri);
      trees.forget(uri);
    },
  };
}
