// Wiring only: which LSP capability is served by which feature function, with every handler
// guarded (no input may kill the server). How settings arrive, how the workspace is indexed and
// how open documents are followed live in features/. One core for both entries: node-server.ts
// (a process, files on disk) and browser-server.ts (a web worker, files sent by the client); it
// imports nothing of Node, and what differs between the two comes in as dependencies.
import {
  FileChangeType,
  NotificationType,
  RequestType0,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  REPORT_METHOD,
  TYPES_METHOD,
  WORKSPACE_FILES_METHOD,
  type TypeListItem,
  type WorkspaceFilesParams,
} from '../../common/protocol';
import type { Engine } from './engine';
import type { Logger } from './features/analysis';
import { followDocuments } from './features/document-lifecycle';
import { codeActionsFor, hoverAt, inlayHintsFor } from './features/document-requests';
import { createDocumentTrees } from './features/document-trees';
import { loadAnalysis } from './features/engine-loading';
import { guard } from './features/guard';
import { createSettingsSource } from './features/settings-source';
import { createWorkspaceIndexing } from './features/workspace-indexing';
import type { FileSystem } from './cargo/cargo';
import type { UriPaths } from './features/workspace';
import type { ClientFiles } from './features/client-files';

export interface ServerDependencies {
  /** The analysis engine, possibly still loading its wasm. */
  engine: Promise<Engine>;
  /** Quiet time after a change before diagnostics are recomputed. */
  debounceMs?: number;
  /** Where Cargo projects are read from. */
  fileSystem: FileSystem;
  /** How document and folder URIs map to the file system's paths. */
  uriPaths: UriPaths;
  /** The environment (`CARGO_HOME`, `HOME`: where registry sources are); none in a web worker. */
  env?: Record<string, string | undefined>;
  /**
   * The workspace's files as the client sends them (`rustSendSync/workspaceFiles`), where there is
   * no disk to read: the crates are indexed when the first batch arrives, changes come the same way.
   */
  clientFiles?: ClientFiles;
  /** Told the initialize params before anything else (the web worker checks that its wasm came first). */
  onInitialize?: (params: InitializeParams) => void;
  /** Says in the log where the server runs (`Node.js`, `web worker`). */
  runtime?: string;
}

/** The markdown overview of every type of the workspace's crates. */
const REPORT_REQUEST = new RequestType0<string, void>(REPORT_METHOD);
/** Every type of the workspace's crates, for the types view. */
const TYPES_REQUEST = new RequestType0<TypeListItem[], void>(TYPES_METHOD);
/** The workspace's files from the client, when the server cannot read them itself. */
const WORKSPACE_FILES = new NotificationType<WorkspaceFilesParams>(WORKSPACE_FILES_METHOD);

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
    fileSystem: deps.fileSystem,
    env: deps.env ?? {},
    uriPaths: deps.uriPaths,
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
    uriPaths: deps.uriPaths,
    republishAll: () => {
      open.republishAll();
      refreshHints();
    },
    openDocuments: () => documents.keys(),
  });
  const requests = { engine, cache, workspace, settings, rustDocument: open.rustDocument, logger };
  // Inlay hints are pulled by the client: when what they show may have changed (settings, the
  // crate index), ask it to pull again, if it can be asked.
  let canRefreshHints = false;
  const refreshHints = (): void => {
    if (canRefreshHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };

  const { clientFiles } = deps;
  let clientFilesIndexed = false;

  connection.onInitialize((params): InitializeResult => {
    deps.onInitialize?.(params);
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
    const runtime = deps.runtime === undefined ? '' : ` (${deps.runtime})`;
    logger.info(`rust-send-sync language server ready${runtime}`);
    // With files from the client, the first batch starts the indexing, and changes come with it.
    if (clientFiles) return;
    indexing.watchFiles();
    void guard(logger, 'indexing the workspace', undefined, () => indexing.index());
  });
  connection.onNotification(WORKSPACE_FILES, (params) => {
    if (!clientFiles) return;
    void guard(logger, 'workspace files', undefined, async () => {
      const changed = clientFiles.apply(params, deps.uriPaths);
      // The first batch, or a manifest (crates, features, dependencies): index everything again.
      if (!clientFilesIndexed || clientFiles.changesCrates(changed)) {
        clientFilesIndexed = true;
        await indexing.index();
      } else if (changed.length > 0) {
        await indexing.filesChanged({ changes: changed.map((uri) => ({ uri, type: FileChangeType.Changed })) });
      }
    });
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
