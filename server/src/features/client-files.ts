// The workspace's files as the client sends them (`rustSendSync/workspaceFiles`), for a server with
// no disk to read (the web worker): an in-memory FileSystem, its folders made from the files'
// paths. Bad input is dropped, never thrown: a batch that is not the protocol's shape changes nothing.
import type { WorkspaceFilesParams } from '../../../common/protocol';
import type { FileSystem } from '../cargo/cargo';
import type { UriPaths } from './workspace';

export interface ClientFiles extends FileSystem {
  /** Takes a batch from the client; returns the URIs of the files it created, changed or deleted. */
  apply(params: unknown, uriPaths: UriPaths): string[];
  /** Whether these URIs name a manifest or lock file (which decide the crates). */
  changesCrates(uris: readonly string[]): boolean;
  /** How many files are held. */
  readonly size: number;
}

interface FileEntry {
  uri: string;
  text: string;
}

function isFileEntry(value: unknown): value is FileEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { uri, text } = value as Partial<Record<keyof FileEntry, unknown>>;
  return typeof uri === 'string' && typeof text === 'string';
}

function parseBatch(params: unknown): Required<WorkspaceFilesParams> {
  const { files, deleted, reset } = (typeof params === 'object' && params !== null ? params : {}) as Record<
    string,
    unknown
  >;
  return {
    files: Array.isArray(files) ? files.filter(isFileEntry) : [],
    deleted: Array.isArray(deleted) ? deleted.filter((d): d is string => typeof d === 'string') : [],
    reset: reset === true,
  };
}

/** `/a/b/c.rs` -> `/a/b`; the root stays `/`. */
function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

export function createClientFiles(): ClientFiles {
  const files = new Map<string, string>();
  /** Each folder's entries (files and subfolders), made from the files' paths. */
  const folders = new Map<string, Set<string>>();
  const normalize = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

  const addPath = (path: string): void => {
    for (let child = path, parent = parentOf(child); child !== parent; child = parent, parent = parentOf(child)) {
      let entries = folders.get(parent);
      if (!entries) folders.set(parent, (entries = new Set()));
      const name = child.slice(parent === '/' ? 1 : parent.length + 1);
      if (entries.has(name)) break; // the folders above already list it
      entries.add(name);
    }
  };
  const rebuildFolders = (): void => {
    folders.clear();
    for (const path of files.keys()) addPath(path);
  };

  return {
    readFile: (path) => files.get(normalize(path)),
    isFile: (path) => files.has(normalize(path)),
    isDir: (path) => folders.has(normalize(path)),
    listDir: (path) => [...(folders.get(normalize(path)) ?? [])].sort(),
    // Only the workspace's own files come from the client: no registry source is ever in reach.
    missingSourceHint: "the browser reads only the workspace's own files",
    get size() {
      return files.size;
    },
    apply(params, uriPaths) {
      const batch = parseBatch(params);
      const changed: string[] = [];
      if (batch.reset) {
        const kept = new Set(batch.files.map((f) => uriPaths.toPath(f.uri)));
        for (const path of [...files.keys()]) {
          if (kept.has(path)) continue;
          files.delete(path);
          changed.push(uriPaths.toUri(path));
        }
      }
      for (const { uri, text } of batch.files) {
        const path = uriPaths.toPath(uri);
        if (path === undefined || files.get(path) === text) continue;
        files.set(path, text);
        changed.push(uri);
      }
      for (const uri of batch.deleted) {
        const path = uriPaths.toPath(uri);
        if (path !== undefined && files.delete(path)) changed.push(uri);
      }
      // Folders follow the files: rebuilt when any went away, else only the new paths are added.
      if (batch.reset || batch.deleted.length > 0) rebuildFolders();
      else for (const { uri } of batch.files) addPath(uriPaths.toPath(uri) ?? '/');
      return changed;
    },
    changesCrates(uris) {
      return uris.some((uri) => /(^|\/)(Cargo\.(toml|lock)|\.cargo\/config(\.toml)?)$/.test(uri));
    },
  };
}
