// Wiring only: which LSP capability is served by which feature function. Also the one place
// that knows how settings reach the server (pulled with workspace/configuration when the client
// can, else pushed with didChangeConfiguration) and that every handler is guarded.
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  RequestType0,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { REPORT_METHOD } from '../../common/protocol';
import { createEngine, type Engine } from './engine';
import {
  analyzeSafely,
  createAnalysisCache,
  describeError,
  isRustDocument,
  isTreeEngine,
  skipDiagnostic,
  skipReason,
  type Logger,
} from './features/analysis';
import { computeCodeActions } from './features/code-actions';
import { computeDiagnostics, createDiagnosticsScheduler } from './features/diagnostics';
import { createDocumentTrees } from './features/document-trees';
import { computeHover } from './features/hover';
import { defaultSettings, parseSettings, SETTINGS_SECTION, type Settings } from './features/settings';
import { createWorkspaceIndex, uriToPath, type Progress, type WorkspaceIndex } from './features/workspace';
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

const SERVER_NAME = 'rust-send-sync';

/** Runs `fn`; on an exception, logs it and returns `fallback`: no input may kill the server. */
function guard<T>(logger: Logger, what: string, fallback: T, fn: () => T | Promise<T>): Promise<T> {
  return (async () => {
    try {
      return await fn();
    } catch (error) {
      logger.error(`${what} failed: ${describeError(error)}`);
      return fallback;
    }
  })();
}

export function startServer(connection: Connection, deps: ServerDependencies): void {
  const logger: Logger = {
    info: (message) => connection.console.info(message),
    error: (message) => connection.console.error(message),
  };
  // Each document's syntax tree follows its edits, so re-analysis parses incrementally.
  const trees = createDocumentTrees();
  const documents = new TextDocuments<TextDocument>(trees.configuration);
  const engine = deps.engine.catch((error: unknown) => {
    const message = `the analysis engine failed to load: ${describeError(error)}`;
    logger.error(message);
    void connection.window.showErrorMessage(`Rust Send/Sync: ${message}`);
    return { analyze: () => ({ types: [], findings: [], syntaxErrors: 0 }) } satisfies Engine;
  });
  // The workspace's Cargo projects, once indexed: their files are analysed crate-wide.
  const workspace: Promise<WorkspaceIndex | undefined> = engine.then((loaded) =>
    isTreeEngine(loaded)
      ? createWorkspaceIndex(loaded, deps.fileSystem ?? nodeFileSystem, deps.env ?? process.env)
      : undefined,
  );
  const cache = Promise.all([engine, workspace]).then(([loaded, index]) =>
    createAnalysisCache(loaded, trees, logger, index),
  );
  let folders: string[] = [];
  let indexedWithAllFeatures: boolean | undefined;
  let progressSupported = false;
  let watchFilesDynamically = false;

  let pullSettings = false;
  let registerForSettings = false;
  let settings: Promise<Settings> = Promise.resolve(defaultSettings());
  const refreshSettings = (pushed?: unknown): void => {
    settings = pullSettings
      ? connection.workspace.getConfiguration(SETTINGS_SECTION).then(parseSettings, (error: unknown) => {
          logger.error(`reading settings failed: ${describeError(error)}`);
          return defaultSettings();
        })
      : Promise.resolve(parseSettings(pushed));
  };

  const rustDocument = (uri: string): TextDocument | undefined => {
    const document = documents.get(uri);
    return document !== undefined && isRustDocument(document) ? document : undefined;
  };

  const publish = (uri: string): void => {
    void guard(logger, `diagnostics for ${uri}`, undefined, async () => {
      const [analyses, current] = await Promise.all([cache, settings]);
      const document = rustDocument(uri);
      if (document === undefined) return; // closed meanwhile
      const skipped = skipReason(document, current);
      const diagnostics =
        skipped !== undefined
          ? [skipDiagnostic(skipped)]
          : computeDiagnostics(analyses.get(document, current), current);
      await connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    });
  };
  const sendEmpty = (uri: string): void => {
    void guard(logger, `clearing diagnostics for ${uri}`, undefined, () =>
      connection.sendDiagnostics({ uri, diagnostics: [] }),
    );
  };
  const scheduler = createDiagnosticsScheduler(publish, sendEmpty, deps.debounceMs ?? 75);
  const republishAll = (): void => {
    for (const document of documents.all()) if (isRustDocument(document)) scheduler.schedule(document.uri, true);
  };

  connection.onInitialize((params): InitializeResult => {
    const roots = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = roots.map(uriToPath).filter((p): p is string => p !== undefined);
    progressSupported = params.capabilities.window?.workDoneProgress === true;
    watchFilesDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    pullSettings = params.capabilities.workspace?.configuration === true;
    registerForSettings =
      pullSettings && params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    // The client answers `workspace/configuration` only once initialized: pull settings then.
    if (!pullSettings) refreshSettings(params.initializationOptions);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: SERVER_NAME },
    };
  });
  connection.onInitialized(() => {
    if (pullSettings) refreshSettings();
    if (registerForSettings) {
      void connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch(() => undefined);
    }
    if (watchFilesDynamically) {
      const watchers = [{ globPattern: '**/*.rs' }, { globPattern: '**/Cargo.{toml,lock}' }];
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
    }
    logger.info('rust-send-sync language server ready');
    void guard(logger, 'indexing the workspace', undefined, async () => {
      const [index, current] = await Promise.all([workspace, settings]);
      if (!index || folders.length === 0) return;
      const started = Date.now();
      indexedWithAllFeatures = current.allFeatures;
      await index.index(folders, await startProgress(), current.allFeatures);
      logger.info(`indexed ${folders.join(', ')} in ${Date.now() - started} ms`);
      republishAll();
    });
  });
  /** A work-done progress in the editor's status bar, when it shows them. */
  const startProgress = async (): Promise<Progress> => {
    if (!progressSupported) return { report: () => undefined, done: () => undefined };
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('Rust Send/Sync: indexing crates', undefined, undefined, false);
    return { report: (message) => progress.report(message), done: () => progress.done() };
  };
  connection.onDidChangeWatchedFiles((params) => {
    void guard(logger, 'file changes', undefined, async () => {
      const index = await workspace;
      if (!index) return;
      const before = index.generation;
      index.changedOnDisk(params.changes.map((c) => c.uri));
      if (index.generation !== before) republishAll();
    });
  });
  connection.onRequest(REPORT_REQUEST, () =>
    guard(
      logger,
      'report',
      '',
      async () => (await workspace)?.report() ?? '# Send/Sync report\n\nThe analysis engine is not loaded.\n',
    ),
  );
  connection.onDidChangeConfiguration((params) => {
    const pushed: unknown = params.settings;
    const section =
      typeof pushed === 'object' && pushed !== null ? (pushed as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
    refreshSettings(section);
    republishAll();
    // `allFeatures` decides which modules and fields exist: index again when it changes.
    void guard(logger, 'indexing the workspace again', undefined, async () => {
      const [index, current] = await Promise.all([workspace, settings]);
      if (!index || indexedWithAllFeatures === undefined || current.allFeatures === indexedWithAllFeatures) return;
      indexedWithAllFeatures = current.allFeatures;
      const started = Date.now();
      await index.index(folders, await startProgress(), current.allFeatures);
      logger.info(`indexed ${folders.join(', ')} in ${Date.now() - started} ms (all features: ${current.allFeatures})`);
      republishAll();
    });
  });

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

  connection.onHover((params) =>
    guard(logger, 'hover', null, async () => {
      const [analyses, current] = await Promise.all([cache, settings]);
      const document = rustDocument(params.textDocument.uri);
      if (document === undefined || !current.enable) return null;
      return computeHover(analyses.get(document, current), params.position);
    }),
  );
  connection.onCodeAction((params) =>
    guard(logger, 'code actions', [], async () => {
      const [loaded, analyses, index, current] = await Promise.all([engine, cache, workspace, settings]);
      const document = rustDocument(params.textDocument.uri);
      if (document === undefined || skipReason(document, current) !== undefined) return [];
      // Stateless for a file alone: the fix is rebuilt from the text as it is now. A crate's file
      // needs its crate: its analysis is cached per revision of the crate's texts.
      const analysis = index?.owns(document)
        ? analyses.get(document, current)
        : analyzeSafely(loaded, document.getText(), logger, document.uri);
      return computeCodeActions(analysis, params, current);
    }),
  );
  connection.onShutdown(() => scheduler.dispose());

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
