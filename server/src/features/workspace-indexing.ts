// When the workspace's Cargo projects are read over LSP: indexed once the client is initialized
// and again when `allFeatures` changes (one indexing, with a progress in the status bar when the
// client shows them), re-read on watched-file events (the watchers registered when the client
// allows), and the report request over them.
import {
  DidChangeWatchedFilesNotification,
  type Connection,
  type DidChangeWatchedFilesParams,
  type InitializeParams,
} from 'vscode-languageserver';
import type { TypeListItem } from '../../../common/protocol';
import type { Logger } from './analysis';
import type { Settings } from './settings';
import type { Progress, UriPaths, WorkspaceIndex } from './workspace';

export interface WorkspaceIndexing {
  /** At initialize: the workspace folders and what the client can do. */
  initialize(params: InitializeParams): void;
  /** At initialized: asks the client to watch Rust files and manifests, when it allows. */
  watchFiles(): void;
  /** Indexes the folders (once initialized and the settings are known). */
  index(): Promise<void>;
  /** Indexes again when `allFeatures` differs from the one the last indexing used. */
  indexAgainIfFeaturesChanged(): Promise<void>;
  /** Files changed on disk: the crates re-read them, and the open documents are checked again. */
  filesChanged(params: DidChangeWatchedFilesParams): Promise<void>;
  /** The markdown overview of every type of the workspace's crates. */
  report(): Promise<string>;
  /** Every type of the workspace's crates, for the types view (none before indexing). */
  types(): Promise<TypeListItem[]>;
}

export interface WorkspaceIndexingDependencies {
  connection: Pick<Connection, 'client' | 'window'>;
  /** Undefined when the engine cannot read crates (no trees). */
  workspace: Promise<WorkspaceIndex | undefined>;
  settings: () => Promise<Settings>;
  logger: Logger;
  /** The workspace folders' paths from their URIs. */
  uriPaths: UriPaths;
  /** Checks every open Rust document again (the crates' content changed). */
  republishAll: () => void;
  /** The URIs of the documents open in the editor: their crates are read while indexing. */
  openDocuments: () => string[];
}

export function createWorkspaceIndexing(deps: WorkspaceIndexingDependencies): WorkspaceIndexing {
  const { connection, workspace, settings, logger, uriPaths, republishAll, openDocuments } = deps;
  let folders: string[] = [];
  let progressSupported = false;
  let watchFilesDynamically = false;
  /** The `allFeatures` of the last indexing; undefined until the first one started. */
  let indexedWithAllFeatures: boolean | undefined;

  /** A work-done progress in the editor's status bar, when it shows them. */
  const startProgress = async (): Promise<Progress> => {
    if (!progressSupported) return { report: () => undefined, done: () => undefined };
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('Rust Send/Sync: indexing crates', undefined, undefined, false);
    return { report: (message) => progress.report(message), done: () => progress.done() };
  };

  /** The indexing under way (and those queued behind it), and how many wait to start. */
  let queue: Promise<void> = Promise.resolve();
  let waiting = 0;
  /**
   * Indexings one at a time: one asked for while another runs (two batches of files from the
   * client, a setting changed meanwhile) starts when it ends; of several waiting, only the last
   * runs, reading everything as it is then. Two at once would both read every crate, and the one
   * that ends last would win, even if it started with older files.
   */
  const indexFolders = (index: WorkspaceIndex, allFeatures: () => Promise<boolean>, again: boolean): Promise<void> => {
    waiting++;
    queue = queue
      .catch(() => undefined) // logged by the caller that met it
      .then(async () => {
        waiting--;
        if (waiting > 0) return;
        await indexOnce(index, await allFeatures(), again);
      });
    return queue;
  };

  /** The one indexing: with progress, remembering `allFeatures`, logging its time, then republishing. */
  const indexOnce = async (index: WorkspaceIndex, allFeatures: boolean, again: boolean): Promise<void> => {
    const started = Date.now();
    indexedWithAllFeatures = allFeatures;
    await index.index(folders, await startProgress(), allFeatures, openDocuments());
    // An indexing again says why (the setting changed); the log lines stay as users know them.
    const why = again ? ` (all features: ${allFeatures})` : '';
    logger.info(`indexed ${folders.join(', ')} in ${Date.now() - started} ms${why}`);
    // Answers given while indexing are written out (one message a turn of the event loop) before
    // the open files' first crate-wide analyses, which take the server half a second: else an
    // answer ready before the end reached the client after them, and after the log line above.
    await new Promise((resolve) => setTimeout(resolve, 0));
    republishAll();
  };

  return {
    initialize(params) {
      const roots = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
      folders = roots.map((uri) => uriPaths.toPath(uri)).filter((p): p is string => p !== undefined);
      progressSupported = params.capabilities.window?.workDoneProgress === true;
      watchFilesDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    },
    watchFiles() {
      if (!watchFilesDynamically) return;
      const watchers = [{ globPattern: '**/*.rs' }, { globPattern: '**/Cargo.{toml,lock}' }];
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
    },
    async index() {
      const index = await workspace;
      if (!index || folders.length === 0) return;
      await indexFolders(index, async () => (await settings()).allFeatures, false);
    },
    async indexAgainIfFeaturesChanged() {
      const [index, current] = await Promise.all([workspace, settings()]);
      // Not indexed yet (the first indexing reads the new value), or nothing to do.
      if (!index || indexedWithAllFeatures === undefined || current.allFeatures === indexedWithAllFeatures) return;
      await indexFolders(index, async () => (await settings()).allFeatures, true);
    },
    async filesChanged(params) {
      const index = await workspace;
      if (!index) return;
      const before = index.generation;
      index.changedOnDisk(params.changes.map((c) => c.uri));
      if (index.generation !== before) republishAll();
    },
    async report() {
      return (await workspace)?.report() ?? '# Send/Sync report\n\nThe analysis engine is not loaded.\n';
    },
    async types() {
      return (await workspace)?.types() ?? [];
    },
  };
}
