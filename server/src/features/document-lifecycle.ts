// The open documents' diagnostics over their life: published at once when a document opens,
// debounced after each edit (and the other open files of its crate checked again), cleared when
// it closes, with the closed document's tree, analysis and crate text let go.
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  isRustDocument,
  skipDiagnostic,
  skippedMessage,
  skipReason,
  type AnalysisCache,
  type Logger,
} from './analysis';
import { computeDiagnostics, createDiagnosticsScheduler } from './diagnostics';
import type { DocumentTrees } from './document-trees';
import { guard } from './guard';
import type { Settings } from './settings';
import type { WorkspaceIndex } from './workspace';

export interface DocumentLifecycle {
  /** The open Rust document with this uri, if any. */
  readonly rustDocument: (uri: string) => TextDocument | undefined;
  /** Publishes every open Rust document's diagnostics again, now. */
  readonly republishAll: () => void;
  /** Drops the pending publishes (at shutdown). */
  dispose(): void;
}

export interface DocumentLifecycleDependencies {
  connection: Pick<Connection, 'sendDiagnostics'>;
  documents: TextDocuments<TextDocument>;
  trees: DocumentTrees;
  cache: Promise<AnalysisCache>;
  workspace: Promise<WorkspaceIndex | undefined>;
  settings: () => Promise<Settings>;
  logger: Logger;
  /** Quiet time after an edit before diagnostics are recomputed. */
  debounceMs: number;
}

/** A document's diagnostics; over the size limit, or with its parse given up, the one that says why. */
function diagnosticsOf(document: TextDocument, analyses: AnalysisCache, settings: Settings): Diagnostic[] {
  const tooBig = skipReason(document, settings);
  if (tooBig !== undefined) return [skipDiagnostic(tooBig)];
  const analysis = analyses.get(document, settings);
  if (analysis.skipped !== undefined) return [skipDiagnostic(skippedMessage(analysis.skipped))];
  return computeDiagnostics(analysis, settings, document.uri);
}

/** Follows `documents` (open, change, close) and keeps their diagnostics published. */
export function followDocuments(deps: DocumentLifecycleDependencies): DocumentLifecycle {
  const { connection, documents, trees, cache, workspace, settings, logger } = deps;
  const rustDocument = (uri: string): TextDocument | undefined => {
    const document = documents.get(uri);
    return document !== undefined && isRustDocument(document) ? document : undefined;
  };

  const publish = (uri: string, afterEdit: boolean): void => {
    void guard(logger, `diagnostics for ${uri}`, undefined, async () => {
      const [analyses, current] = await Promise.all([cache, settings()]);
      const document = rustDocument(uri);
      if (document === undefined) return; // closed meanwhile
      const started = performance.now();
      const diagnostics = diagnosticsOf(document, analyses, current);
      if (afterEdit) scheduler.measured(uri, performance.now() - started);
      await connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    });
  };
  const sendEmpty = (uri: string): void => {
    void guard(logger, `clearing diagnostics for ${uri}`, undefined, () =>
      connection.sendDiagnostics({ uri, diagnostics: [] }),
    );
  };
  const scheduler = createDiagnosticsScheduler(publish, sendEmpty, deps.debounceMs);
  const republishAll = (): void => {
    for (const document of documents.all()) if (isRustDocument(document)) scheduler.schedule(document.uri, true);
  };

  // TextDocuments fires onDidChangeContent right after onDidOpen: publish at once for the open,
  // and debounce only the real edits that follow.
  const justOpened = new Set<string>();
  documents.onDidOpen((event) => {
    if (!isRustDocument(event.document)) return;
    justOpened.add(event.document.uri);
    scheduler.schedule(event.document.uri, true);
  });
  documents.onDidChangeContent((event) => {
    if (justOpened.delete(event.document.uri) || !isRustDocument(event.document)) return;
    scheduler.schedule(event.document.uri);
    // An edit in a crate can change the verdicts of its other open files: the crate gets the
    // text now (it re-reads on the next question), and they are checked again.
    void workspace.then((index) => {
      if (!index?.owns(event.document)) return;
      index.sync(event.document);
      for (const other of documents.all())
        if (other.uri !== event.document.uri && index.owns(other)) scheduler.schedule(other.uri);
    });
  });
  documents.onDidClose((event) => {
    void workspace.then((index) => {
      const before = index?.generation;
      index?.closed(event.document.uri);
      if (index && index.generation !== before) republishAll();
    });
    trees.forget(event.document.uri);
    void cache.then((c) => c.forget(event.document.uri));
    scheduler.clear(event.document.uri);
  });

  return { rustDocument, republishAll, dispose: () => scheduler.dispose() };
}
