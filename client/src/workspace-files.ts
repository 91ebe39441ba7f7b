// Where the server cannot read the workspace (the web worker), the client reads it for the server:
// the Cargo manifests, lock files and Rust sources of the workspace folders, through the editor's
// file system (so a repository opened in vscode.dev or a remote folder works), sent with
// `rustSendSync/workspaceFiles`; then every change a file watcher reports. Bounded: at most
// MAX_FILES files and MAX_BYTES in all, manifests and shallow files first; the log says where it
// stopped. Build output, VCS folders and vendored sources are not read.
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { WORKSPACE_FILES_METHOD, type WorkspaceFilesParams } from '../../common/protocol';

const INCLUDE = '**/{Cargo.toml,Cargo.lock,*.rs,.cargo/config.toml,.cargo/config}';
const EXCLUDE = '**/{target,node_modules,.git,vendor}/**';
const SKIPPED_FOLDER = /\/(target|node_modules|\.git|vendor)\//;
const MAX_FILES = 5000;
const MAX_BYTES = 32 * 1024 * 1024;
/** Changes reported within this time go to the server in one batch. */
const BATCH_MS = 100;
const READ_CONCURRENCY = 16;

/** Manifests first (they decide the crates), then by depth: what a limit cuts is the deepest. */
function readOrder(a: vscode.Uri, b: vscode.Uri): number {
  const rank = (uri: vscode.Uri) => (/\/Cargo\.(toml|lock)$/.test(uri.path) ? 0 : 1);
  const depth = (uri: vscode.Uri) => uri.path.split('/').length;
  return rank(a) - rank(b) || depth(a) - depth(b) || a.path.localeCompare(b.path);
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined; // gone or unreadable since it was listed: the server does without it
  }
}

/** Reads the workspace's Cargo files (bounded) and sends them as the whole set. */
async function sendAll(client: BaseLanguageClient, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const found = await vscode.workspace.findFiles(INCLUDE, EXCLUDE, MAX_FILES + 1);
  const uris = found.filter((uri) => !SKIPPED_FOLDER.test(uri.path)).sort(readOrder);
  if (uris.length > MAX_FILES)
    log(`The workspace has more than ${MAX_FILES} Rust and Cargo files: only the first ${MAX_FILES} are read.`);
  const files: WorkspaceFilesParams['files'] = [];
  let bytes = 0;
  let stoppedAt: string | undefined;
  const wanted = uris.slice(0, MAX_FILES);
  for (let at = 0; at < wanted.length && stoppedAt === undefined; at += READ_CONCURRENCY) {
    const batch = wanted.slice(at, at + READ_CONCURRENCY);
    const texts = await Promise.all(batch.map((uri) => readText(uri)));
    for (const [i, text] of texts.entries()) {
      if (text === undefined) continue;
      if (bytes + text.length > MAX_BYTES) {
        stoppedAt = vscode.workspace.asRelativePath(batch[i]);
        break;
      }
      bytes += text.length;
      files.push({ uri: batch[i].toString(), text });
    }
  }
  if (stoppedAt !== undefined)
    log(`The workspace's Rust and Cargo files are over ${MAX_BYTES / (1024 * 1024)} MB: stopped before ${stoppedAt}.`);
  await client.sendNotification(WORKSPACE_FILES_METHOD, { files, reset: true } satisfies WorkspaceFilesParams);
  log(
    `Sent ${files.length} workspace files (${Math.round(bytes / 1024)} KB) to the server in ${Date.now() - started} ms.`,
  );
}

/**
 * Sends the workspace's files to the server now and on every change, until disposed. Errors are
 * logged: a file that cannot be read is left out, never a reason to stop.
 */
export function feedWorkspaceFiles(client: BaseLanguageClient, log: (line: string) => void): vscode.Disposable {
  const changed = new Map<string, vscode.Uri>();
  const deleted = new Map<string, vscode.Uri>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const flush = async (): Promise<void> => {
    timer = undefined;
    const toRead = [...changed.values()];
    const gone = [...deleted.keys()];
    changed.clear();
    deleted.clear();
    const files: WorkspaceFilesParams['files'] = [];
    for (const uri of toRead) {
      const text = await readText(uri);
      if (text === undefined) gone.push(uri.toString());
      else files.push({ uri: uri.toString(), text });
    }
    if (disposed || (files.length === 0 && gone.length === 0)) return;
    await client.sendNotification(WORKSPACE_FILES_METHOD, { files, deleted: gone } satisfies WorkspaceFilesParams);
  };
  const report = (uri: vscode.Uri, kind: 'changed' | 'deleted'): void => {
    if (SKIPPED_FOLDER.test(uri.path)) return;
    const key = uri.toString();
    (kind === 'changed' ? deleted : changed).delete(key);
    (kind === 'changed' ? changed : deleted).set(key, uri);
    timer ??= setTimeout(
      () => void flush().catch((error: unknown) => log(`Sending file changes failed: ${String(error)}`)),
      BATCH_MS,
    );
  };

  const watcher = vscode.workspace.createFileSystemWatcher(INCLUDE);
  const subscriptions = [
    watcher,
    watcher.onDidCreate((uri) => report(uri, 'changed')),
    watcher.onDidChange((uri) => report(uri, 'changed')),
    watcher.onDidDelete((uri) => report(uri, 'deleted')),
    // A folder added or removed: the whole set again.
    vscode.workspace.onDidChangeWorkspaceFolders(
      () => void sendAll(client, log).catch((error: unknown) => log(`Reading the workspace failed: ${String(error)}`)),
    ),
  ];
  void sendAll(client, log).catch((error: unknown) => log(`Reading the workspace failed: ${String(error)}`));
  return new vscode.Disposable(() => {
    disposed = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const s of subscriptions) s.dispose();
  });
}
