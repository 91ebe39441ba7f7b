// The real file system behind the workspace's FileSystem: reads never throw (a missing or
// unreadable file is `undefined`, an unreadable folder is empty).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { FileSystem } from './cargo';

export const nodeFileSystem: FileSystem = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  // A missing path (most of those asked: `mod x;` is `x.rs` or `x/mod.rs`) answers without an
  // exception thrown and caught, which cost more than the stat itself.
  isFile(path) {
    try {
      return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
    } catch {
      return false;
    }
  },
  isDir(path) {
    try {
      return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      return false;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path).sort();
    } catch {
      return [];
    }
  },
};
