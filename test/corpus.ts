// Where real Rust sources to measure and fuzz on are: a folder of crate sources, one folder per
// crate (`tokio-1.24.2/`, ...), found at run time and never written into the repository. Taken
// from `--corpus DIR`, else the RUST_SEND_SYNC_CORPUS environment variable (that folder, or crate
// folders inside it, as the compare scripts take it), else cargo's own unpacked registry
// ($CARGO_HOME/registry/src/<index>/). Absent is a normal answer, with a reason.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const CORPUS_ENV = 'RUST_SEND_SYNC_CORPUS';

export type CorpusLookup = { kind: 'found'; root: string; from: string } | { kind: 'absent'; why: string };

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function cargoRegistry(): string | undefined {
  const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
  const src = join(cargoHome, 'registry', 'src');
  if (!isFolder(src)) return undefined;
  const indexes = readdirSync(src)
    .map((name) => join(src, name))
    .filter(isFolder);
  return indexes.find((index) => readdirSync(index).length > 0);
}

/** The corpus folder named by `argv` (`--corpus DIR`), the environment, or cargo's registry. */
export function findCorpus(argv: readonly string[] = process.argv): CorpusLookup {
  const flag = argv.indexOf('--corpus');
  const named = flag >= 0 ? argv[flag + 1] : process.env[CORPUS_ENV];
  const from = flag >= 0 ? '--corpus' : CORPUS_ENV;
  if (named !== undefined && named !== '') {
    // The same variable the compare scripts read: crate folders (separated by spaces or `:`), or
    // the folder that holds them. Crate folders stand for the folder they are in.
    const first = named.split(/[\s:]+/).find(Boolean) ?? named;
    const root = existsSync(join(first, 'Cargo.toml')) ? dirname(first) : first;
    return isFolder(root)
      ? { kind: 'found', root, from }
      : { kind: 'absent', why: `${from} names ${first}, which is not a folder` };
  }
  const registry = cargoRegistry();
  if (registry !== undefined) return { kind: 'found', root: registry, from: 'cargo registry' };
  return {
    kind: 'absent',
    why: `no corpus: pass --corpus DIR or set ${CORPUS_ENV} to a folder of crate sources (one folder per crate)`,
  };
}

/** The newest `<name>-<version>` folder of a crate in the corpus, e.g. `tokio`. */
export function findCrate(root: string, name: string): string | undefined {
  const pattern = new RegExp(`^${name.replace(/[-_]/g, '[-_]')}-\\d`);
  const versions = readdirSync(root).filter((entry) => pattern.test(entry) && isFolder(join(root, entry)));
  versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = versions.at(-1);
  return newest === undefined ? undefined : join(root, newest);
}

/** Every `.rs` file under `folder`, sorted, skipping build and VCS folders. */
export function listRustFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !['target', '.git', 'node_modules'].includes(entry.name)) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.rs')) files.push(path);
    }
  };
  if (existsSync(folder)) walk(folder);
  return files;
}
