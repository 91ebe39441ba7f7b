// The analysis as the server holds it: the engine (a failed load is logged, shown to the user
// once, and leaves an engine that finds nothing, so the server keeps answering), the workspace's
// Cargo projects when the engine can read crates, and the cache of analyses over both.
import type { Connection } from 'vscode-languageserver';
import type { Engine } from '../engine';
import type { FileSystem } from '../cargo/cargo';
import { createAnalysisCache, describeError, isTreeEngine, type AnalysisCache, type Logger } from './analysis';
import type { DocumentTrees } from './document-trees';
import { createWorkspaceIndex, type UriPaths, type WorkspaceIndex } from './workspace';

export interface LoadedAnalysis {
  engine: Promise<Engine>;
  /** The workspace's Cargo projects, once indexed: their files are analysed crate-wide. */
  workspace: Promise<WorkspaceIndex | undefined>;
  cache: Promise<AnalysisCache>;
}

export interface AnalysisDependencies {
  connection: Pick<Connection, 'window'>;
  /** The analysis engine, possibly still loading its wasm. */
  engine: Promise<Engine>;
  trees: DocumentTrees;
  fileSystem: FileSystem;
  env: Record<string, string | undefined>;
  uriPaths: UriPaths;
  logger: Logger;
}

export function loadAnalysis(deps: AnalysisDependencies): LoadedAnalysis {
  const { connection, trees, logger } = deps;
  const engine = deps.engine.catch((error: unknown) => {
    const message = `the analysis engine failed to load: ${describeError(error)}`;
    logger.error(message);
    void connection.window.showErrorMessage(`Rust Send/Sync: ${message}`);
    return { analyze: () => ({ types: [], findings: [], syntaxErrors: 0 }) } satisfies Engine;
  });
  const workspace: Promise<WorkspaceIndex | undefined> = engine.then((loaded) =>
    isTreeEngine(loaded) ? createWorkspaceIndex(loaded, deps.fileSystem, deps.env, deps.uriPaths) : undefined,
  );
  const cache = Promise.all([engine, workspace]).then(([loaded, index]) =>
    createAnalysisCache(loaded, trees, logger, index),
  );
  return { engine, workspace, cache };
}
