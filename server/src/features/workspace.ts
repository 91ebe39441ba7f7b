// The Cargo projects of the editor's workspace folders, kept current: indexed at start (with a
// progress notification), fed the text of open buffers, re-read when files change on disk
// (watched-file events). A document of an indexed crate is analysed crate-wide; any other
// document alone. Indexing finds the crates' folders and reads those of the open documents, one
// step at a time with requests answered between steps; any other folder is read when first
// needed (a document of it, a dependency on it, the report), so memory follows what is used. Knows LSP only through the small interface the server hands it, and URIs only
// through the mapping the entry hands it (file URIs on Node, any scheme in the web worker).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Project, type TreeEngine } from '../engine';
import type { ReadSteps } from '../engine/project';
import type { TypeListItem } from '../../../common/protocol';
import { renderReportMarkdown, type ReportEntry } from '../present/crate-report';
import { describeType, mergeReasons, verdictLabel } from '../present/verdict-text';
import type { FileSystem } from '../cargo/cargo';

export interface Progress {
  report(message: string): void;
  done(): void;
}

export interface WorkspaceIndex {
  /**
   * Finds the Cargo projects in these folders (the folder's own Cargo.toml, or its subfolders'),
   * and reads those that hold the documents open in the editor (`openUris`).
   */
  index(folders: string[], progress: Progress, allFeatures?: boolean, openUris?: string[]): Promise<void>;
  /** The path a document's URI names in the crates (undefined when it names none). */
  pathOf(uri: string): string | undefined;
  /** Whether the document is a file of an indexed crate. */
  owns(document: TextDocument): boolean;
  /** Hands the crate the document's current text (bumps `generation` when it changed). */
  sync(document: TextDocument): void;
  /** The indexed crates (undefined until indexed, or when the folders hold none). */
  readonly project: Project | undefined;
  /** The document was closed: its file is read from disk again. */
  closed(uri: string): void;
  /** Files changed on disk (created, changed or deleted). */
  changedOnDisk(uris: string[]): void;
  /** Bumped whenever any crate's content changes: analyses older than this are stale. */
  readonly generation: number;
  /** The markdown overview of every indexed crate's types. */
  report(): string;
  /** Every indexed crate's types, for the types view. */
  types(): TypeListItem[];
}

/** How the editor's URIs become the engine's `/`-separated paths, and back. */
export interface UriPaths {
  /** The path of a URI the workspace can hold (undefined for `untitled:` and the like). */
  toPath(uri: string): string | undefined;
  toUri(path: string): string;
}

const MAX_DEPTH = 3;
/**
 * How long indexing works before it lets waiting requests through: a request waits for the slice
 * under way. 5 ms rather than 10 took hovers while indexing from p50 20-24 to 12-16 ms, and the
 * indexing no more CPU time (3.6-4.2 s either way, the pauses between slices are a few turns of
 * the event loop).
 */
const SLICE_MS = 5;

/**
 * Lets the progress message and any request waiting through. Three turns of the event loop: a
 * request read in the first is dispatched (by an immediate of its own) in it, and its answer is
 * written (by another) in the second, so it waits for at most the slice under way, not also the
 * next one. With two turns, the answer was written after the next slice: hovers took two slices.
 */
const yieldToRequests = () => new Promise((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));
const SKIP = new Set(['target', '.git', 'node_modules', 'vendor']);

/** Each folder deferred (its manifest and lock file read), a step each. */
function* deferring(project: Project, dirs: string[]): ReadSteps {
  for (const dir of dirs) {
    project.defer(dir);
    yield;
  }
}

/** Folders holding a Cargo.toml: `root` itself, else the first ones found below it. */
function findCargoFolders(fs: FileSystem, root: string): string[] {
  if (fs.isFile(`${root}/Cargo.toml`)) return [root];
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    for (const entry of fs.listDir(dir)) {
      if (SKIP.has(entry) || entry.startsWith('.')) continue;
      const sub = `${dir}/${entry}`;
      if (!fs.isDir(sub)) continue;
      if (fs.isFile(`${sub}/Cargo.toml`)) found.push(sub);
      else walk(sub, depth + 1);
    }
  };
  walk(root, 1);
  return found;
}

export function createWorkspaceIndex(
  engine: TreeEngine,
  fs: FileSystem,
  env: Record<string, string | undefined>,
  uriPaths: UriPaths,
): WorkspaceIndex {
  const uriToPath = (uri: string) => uriPaths.toPath(uri);
  let project: Project | undefined;
  let folders: string[] = [];
  let allFeatures = false;
  let generation = 0;
  const open = new Map<string, string>();
  /** Every type of the local crates, crate-wide, with its file as shown and on disk. */
  const entries = (): (ReportEntry & { path: string })[] => {
    if (!project) return [];
    const out: (ReportEntry & { path: string })[] = [];
    for (const file of project.localFiles()) {
      const analysis = project.analyzeFile(file);
      const shown = folders.find((f) => file.startsWith(`${f}/`));
      for (const report of analysis?.types ?? [])
        out.push({ file: shown ? file.slice(shown.length + 1) : file, path: file, report });
    }
    return out;
  };

  /** Runs the steps in slices of about SLICE_MS, letting requests (and the progress) through between. */
  const runSliced = async (steps: ReadSteps): Promise<void> => {
    for (let sliceStart = performance.now(); ;) {
      if (steps.next().done === true) return;
      if (performance.now() - sliceStart >= SLICE_MS) {
        await yieldToRequests();
        sliceStart = performance.now();
      }
    }
  };

  const load = async (progress?: Progress, openUris: string[] = []) => {
    const fresh = new Project(engine, fs, env, allFeatures);
    const found: { folder: string; dir: string }[] = [];
    for (const folder of folders) for (const dir of findCargoFolders(fs, folder)) found.push({ folder, dir });
    await runSliced(
      deferring(
        fresh,
        found.map(({ dir }) => dir),
      ),
    );
    // The folders of the open documents are read now, a file at a time (and, for a file of an
    // inactive module, the same folder in the project that analyses those); the others when first
    // needed. The project is served only once read, so no request sees it half read.
    const wanted = [
      ...new Set([...open.keys(), ...openUris.map(uriToPath).filter((p): p is string => !!p?.endsWith('.rs'))]),
    ];
    for (const path of wanted) {
      const where = found.find(({ dir }) => path.startsWith(`${dir}/`));
      if (!where) continue;
      // The folder's name relative to the root; an empty one (the root itself) falls through.
      progress?.report(where.dir.slice(where.folder.length + 1) || where.dir.split('/').pop() || where.dir); // eslint-disable-line @typescript-eslint/prefer-nullish-coalescing -- empty strings fall through on purpose
      await yieldToRequests();
      await runSliced(fresh.readSteps(path));
    }
    for (const [path, text] of open) fresh.setText(path, text);
    project = fresh.hasFolders ? fresh : undefined;
    generation++;
  };

  return {
    get generation() {
      return generation;
    },
    async index(roots, progress, all = false, openUris = []) {
      folders = roots.map((r) => r.replace(/\/+$/, ''));
      allFeatures = all;
      try {
        await load(progress, openUris);
      } finally {
        progress.done();
      }
    },
    pathOf: uriToPath,
    owns(document) {
      const path = uriToPath(document.uri);
      return !!project && !!path && project.owns(path);
    },
    sync(document) {
      const path = uriToPath(document.uri);
      if (!project || !path) return;
      const text = document.getText();
      if (open.get(path) === text) return;
      open.set(path, text);
      project.setText(path, text);
      generation++;
    },
    get project() {
      return project;
    },
    closed(uri) {
      const path = uriToPath(uri);
      if (!path || !open.delete(path)) return;
      project?.setText(path, undefined);
      generation++;
    },
    changedOnDisk(uris) {
      const paths = uris.map(uriToPath).filter((p): p is string => !!p);
      if (paths.length === 0) return;
      // A manifest or lock decides crates, features and dependencies: read everything again.
      if (paths.some((p) => /(^|\/)Cargo\.(toml|lock)$/.test(p))) {
        void load();
        return;
      }
      if (!project) return;
      const closedFiles = paths.filter((p) => !open.has(p));
      if (closedFiles.length === 0) return;
      project.changedOnDisk(closedFiles);
      generation++;
    },
    report() {
      if (!project) return '# Send/Sync report\n\nNo Cargo project (`Cargo.toml`) in the workspace folders.\n';
      return renderReportMarkdown(folders.map((f) => f.split('/').pop()).join(', '), entries());
    },
    types() {
      return entries().map(({ file, path, report }) => ({
        uri: uriPaths.toUri(path),
        file,
        title: describeType(report, true),
        line: report.nameRange.start.line,
        character: report.nameRange.start.character,
        verdicts: verdictLabel(report),
        notSend: report.send.status === 'no',
        notSync: report.sync.status === 'no',
        unknown: report.send.status === 'unknown' || report.sync.status === 'unknown',
        reasons: mergeReasons(report),
      }));
    },
  };
}
