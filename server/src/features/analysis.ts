// Which open documents the server analyses (Rust only), and running the engine on them without
// ever letting an exception escape: a failing analysis is logged and reads as "nothing found".
// Results are remembered per document version, so hover right after a change costs nothing.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../engine';
import type { FileAnalysis } from '../model/report';

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export const EMPTY_ANALYSIS: FileAnalysis = Object.freeze({ types: [], findings: [], syntaxErrors: 0 });

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

export interface AnalysisCache {
  /** The analysis of this exact document version; recomputed when the version moves on. */
  get(document: TextDocument): FileAnalysis;
  forget(uri: string): void;
}

export function createAnalysisCache(engine: Engine, logger: Logger): AnalysisCache {
  const entries = new Map<string, { version: number; analysis: FileAnalysis }>();
  return {
    get(document) {
      const cached = entries.get(document.uri);
      if (cached !== undefined && cached.version === document.version) return cached.analysis;
      const analysis = analyzeSafely(engine, document.getText(), logger, document.uri);
      entries.set(document.uri, { version: document.version, analysis });
      return analysis;
    },
    forget(uri) {
      entries.delete(uri);
    },
  };
}
