// Reads what VS Code logged during the run: the extension host log (activation, uncaught errors)
// and our output channel (the language client and server). Decides which lines are errors that
// belong to us, and copies the logs beside the screenshots so a failed run can be read later.
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface LogFile {
  path: string;
  text: string;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...walk(path));
    else files.push(path);
  }
  return files;
}

/** Every log under the user-data folder: `remoteexthost.log`, output channels, the server's own. */
export function readLogs(userDataDir: string): LogFile[] {
  return walk(join(userDataDir, 'logs'))
    .filter((path) => path.endsWith('.log'))
    .map((path) => ({ path: relative(userDataDir, path), text: readFileSync(path, 'utf8') }));
}

export function copyLogs(userDataDir: string, target: string): void {
  const source = join(userDataDir, 'logs');
  if (existsSync(source)) cpSync(source, target, { recursive: true });
}

const extensionId = 'rust-send-sync.rust-send-sync';
/** How the extension, its client and its server name themselves in VS Code's logs. */
const ours = /rust-send-sync|Rust Send\/?_?Sync/i;

export function isExtensionHostLog(file: LogFile): boolean {
  return /exthost/i.test(file.path) && !file.path.includes('output_logging');
}

export function isOurChannel(file: LogFile): boolean {
  return file.path.includes('output_logging') && ours.test(file.path);
}

/**
 * Error lines that are ours: in the extension host log, an `[error]` entry (with the stack lines
 * under it) that names the extension; in our output channel, any `[error]` or `[Error - ...]`.
 */
export function findOurErrors(logs: readonly LogFile[]): string[] {
  const errors: string[] = [];
  for (const file of logs) {
    const entries = splitEntries(file.text);
    for (const entry of entries) {
      const head = entry.split('\n')[0] ?? '';
      const isError = /^\S+ \S+ \[error\]/.test(head) || /^\[Error\s+- /.test(head);
      if (!isError) continue;
      if (isOurChannel(file) || (isExtensionHostLog(file) && ours.test(entry))) {
        errors.push(`${file.path}: ${entry.slice(0, 2000)}`);
      }
    }
  }
  return errors;
}

/** Log entries start with a timestamp or a `[Level - time]` tag; continuation lines belong to the one above. */
function splitEntries(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    const starts = /^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\[(Trace|Debug|Info|Warn|Error)\s+- )/.test(line);
    if (starts || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  return entries.filter((entry) => entry.trim() !== '');
}

/** True once the extension host has logged activating our extension. */
export function wasActivated(logs: readonly LogFile[]): boolean {
  return logs.some(
    (file) =>
      isExtensionHostLog(file) &&
      file.text.split('\n').some((l) => l.includes('_doActivateExtension') && l.includes(extensionId)),
  );
}
