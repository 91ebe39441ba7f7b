// Wiring only: which LSP capability is served by which feature function, with every handler
// guarded (no input may kill the server). How settings arrive, how the workspace is indexed and
// how open documents are followed live in features/.
import {
  createConnection,
  RequestType0,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { REPORT_METHOD, TYPES_METHOD, type TypeListItem } from '../../common/protocol';
import { createEngine, type Engine } from './engine';
import type { Logger } from './features/analysis';
import { followDocuments } from './features/document-lifecycle';
import { codeActionsFor, hoverAt, inlayHintsFor } from './features/document-requests';
import { createDocumentTrees } from './features/document-trees';
import { loadAnalysis } from './features/engine-loading';
import { guard } from './features/guard';
import { createSettingsSource } from './features/settings-source';
import { createWorkspaceIndexing } from './features/workspace-indexing';
import type { FileSystem } from './cargo/cargo';
import { nodeFileSystem } from './cargo/node-fs';

export interface ServerDependencies {
  /** The analysis engine, possibly still loading its wasm. */
  engine: Promise<Engine>;
  /** Quiet time after a change before diagnostics are recomputed. */
  debounceMs?: number;
  /** Where Cargo projects are read from (the real file system unless a test says otherwise). */
  fileSystem?: FileSystem;
  env?: Record<string, string | undefined>;
}

/** The markdown overview of every type of the workspace's crates. */
const REPORT_REQUEST = new RequestType0<string, void>(REPORT_METHOD);
/** Every type of the workspace's crates, for the types view. */
const TYPES_REQUEST = new RequestType0<TypeListItem[], void>(TYPES_METHOD);

const SERVER_NAME = 'rust-send-sync';

export function startServer(connection: Connection, deps: ServerDependencies): void {
  const logger: Logger = {
    info: (message) => connection.console.info(message),
    error: (message) => connection.console.error(message),
  };
  // Each document's syntax tree follows its edits, so re-analysis parses incrementally.
  const trees = createDocumentTrees();
  const documents = new TextDocuments<TextDocument>(trees.configuration);
  const { engine, workspace, cache } = loadAnalysis({
    connection,
    engine: deps.engine,
    trees,
    fileSystem: deps.fileSystem ?? nodeFileSystem,
    env: deps.env ?? process.env,
    logger,
  });
  const settingsSource = createSettingsSource(connection, logger);
  const settings = settingsSource.current;
  const open = followDocuments({
    connection,
    documents,
    trees,
    cache,
    workspace,
    settings,
    logger,
    debounceMs: deps.debounceMs ?? 75,
  });
  const indexing = createWorkspaceIndexing({
    connection,
    workspace,
    settings,
    logger,
    republishAll: () => {
      open.republishAll();
      refreshHints();
    },
  });
  const requests = { engine, cache, workspace, settings, rustDocument: open.rustDocument, logger };
  // Inlay hints are pulled by the client: when what they show may have changed (settings, the
  // crate index), ask it to pull again, if it can be asked.
  let canRefreshHints = false;
  const refreshHints = (): void => {
    if (canRefreshHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };

  connection.onInitialize((params): InitializeResult => {
    indexing.initialize(params);
    settingsSource.initialize(params);
    canRefreshHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: SERVER_NAME },
    };
  });
  connection.onInitialized(() => {
    settingsSource.initialized();
    indexing.watchFiles();
    logger.info('rust-send-sync language server ready');
    void guard(logger, 'indexing the workspace', undefined, () => indexing.index());
  });
  connection.onDidChangeConfiguration((params) => {
    settingsSource.changed(params);
    open.republishAll();
    refreshHints();
    // `allFeatures` decides which modules and fields exist: index again when it changes.
    void guard(logger, 'indexing the workspace again', undefined, () => indexing.indexAgainIfFeaturesChanged());
  });
  connection.onDidChangeWatchedFiles(
    (params) => void guard(logger, 'file changes', undefined, () => indexing.filesChanged(params)),
  );
  connection.onRequest(REPORT_REQUEST, () => guard(logger, 'report', '', () => indexing.report()));
  connection.onRequest(TYPES_REQUEST, () => guard(logger, 'types', [], () => indexing.types()));
  connection.onHover((params) => guard(logger, 'hover', null, () => hoverAt(requests, params)));
  connection.languages.inlayHint.on((params) =>
    guard(logger, 'inlay hints', [], () => inlayHintsFor(requests, params)),
  );
  connection.onCodeAction((params) => guard(logger, 'code actions', [], () => codeActionsFor(requests, params)));
  connection.onShutdown(() => open.dispose());

  documents.listen(connection);
  connection.listen();
}

/**
 * Starts the server on the transport named by the command line (`--stdio`, `--node-ipc`,
 * `--socket=N`, `--pipe=NAME`), loading the wasm files from `wasmDir`.
 */
export function runLanguageServer(wasmDir: string): void {
  // In --stdio mode createConnection routes console.* to the client's log, so nothing but the
  // protocol reaches stdout.
  const connection = createConnection();
  startServer(connection, { engine: createEngine({ wasmDir }) });
}
