// Finding and reading the files a `check` run covers: folders are walked recursively for `.rs`
// files (skipping build and VCS folders), and each file is read as UTF-8 text or reported with
// the reason it was skipped (missing, unreadable, too large, binary, not UTF-8). Never throws.
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['target', '.git', 'node_modules']);

export interface FileProblem {
  path: string;
  message: string;
}

export interface CollectedFiles {
  /** Paths to check, as the user would print them (the argument joined with the relative path). */
  files: string[];
  problems: FileProblem[];
}

function errorText(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    switch (error.code) {
      case 'ENOENT':
        return 'no such file or folder';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'ELOOP':
        return 'too many levels of symbolic links';
      case 'EISDIR':
        return 'is a folder';
    }
  }
  return error instanceof Error ? error.message : String(error);
}

function walk(folder: string, files: string[], problems: FileProblem[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    problems.push({ path: folder, message: `cannot read folder: ${errorText(error)}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      // `vendor/` beside a Cargo.toml holds dependencies' sources (`cargo vendor`): read, not checked.
      const vendored = entry.name === 'vendor' && entries.some((e) => e.name === 'Cargo.toml' && !e.isDirectory());
      if (!SKIPPED_FOLDERS.has(entry.name) && !vendored) walk(path, files, problems);
    } else if (entry.name.endsWith('.rs')) {
      // Symbolic links to files are followed; links to folders are not, so a cycle cannot loop.
      if (entry.isFile() || (entry.isSymbolicLink() && isFile(path))) files.push(path);
    }
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Expands the command line's paths; a file named explicitly is checked whatever its extension. */
export function collectFiles(paths: readonly string[]): CollectedFiles {
  const files: string[] = [];
  const problems: FileProblem[] = [];
  for (const path of paths) {
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path, files, problems);
      else files.push(path);
    } catch (error) {
      problems.push({ path, message: errorText(error) });
    }
  }
  return { files: [...new Set(files)], problems };
}

export type ReadResult = { kind: 'text'; text: string } | { kind: 'problem'; message: string };

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

export function readSourceFile(path: string, maxFileSize: number): ReadResult {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > maxFileSize) {
      return {
        kind: 'problem',
        message: `skipped: ${formatSize(size)} is over the ${formatSize(maxFileSize)} limit (raise it with --max-file-size)`,
      };
    }
    bytes = readFileSync(path);
  } catch (error) {
    return { kind: 'problem', message: errorText(error) };
  }
  if (bytes.includes(0))
    return { kind: 'problem', message: 'skipped: binary file (contains NUL bytes), not Rust source' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { kind: 'text', text };
  } catch {
    return { kind: 'problem', message: 'skipped: not valid UTF-8 (Rust source files must be UTF-8)' };
  }
}
