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
  isFile(path) {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  isDir(path) {
    try {
      return statSync(path).isDirectory();
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
