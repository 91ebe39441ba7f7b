// A real LSP client for tests: spawns the built server (`node dist/server.js --stdio`), speaks
// JSON-RPC over its pipes, and waits for pushed notifications by predicate with a timeout (never
// by sleeping). Also lets a test write raw bytes to the server, to check it survives garbage.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

export const ROOT = join(__dirname, '..', '..');
export const WAIT_MS = 5000;

interface Waiter {
  accept(params: PublishDiagnosticsParams): boolean;
  resolve(params: PublishDiagnosticsParams): void;
}

export interface LspSession {
  connection: MessageConnection;
  process: ChildProcessWithoutNullStreams;
  stderr(): string;
  logs: string[];
  /** Every publishDiagnostics received, in order. */
  published: PublishDiagnosticsParams[];
  /** What the fake client answers to workspace/configuration for `rustSendSync`. */
  settings: { value: unknown };
  /** Resolves with the next publishDiagnostics (since the call) that `accept` takes. */
  nextDiagnostics(
    uri: string,
    accept?: (p: PublishDiagnosticsParams) => boolean,
    timeoutMs?: number,
  ): Promise<PublishDiagnosticsParams>;
  writeRaw(bytes: string | Buffer): void;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  kill(): void;
}

export function startSession(args: string[] = ['dist/server.js', '--stdio']): LspSession {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'pipe' });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const waiters = new Set<Waiter>();
  const logs: string[] = [];
  const published: PublishDiagnosticsParams[] = [];
  const settings: { value: unknown } = { value: null };
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.push(params);
    for (const waiter of [...waiters]) {
      if (waiter.accept(params)) {
        waiters.delete(waiter);
        waiter.resolve(params);
      }
    }
  });
  connection.onNotification('window/logMessage', (params: { message: string }) => logs.push(params.message));
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => (item.section === 'rustSendSync' ? settings.value : null)),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/showMessageRequest', () => null);
  connection.listen();

  return {
    connection,
    process: child,
    stderr: () => stderr,
    logs,
    published,
    settings,
    nextDiagnostics(uri, accept = () => true, timeoutMs = WAIT_MS) {
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          accept: (p) => p.uri === uri && accept(p),
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching publishDiagnostics for ${uri} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    writeRaw: (bytes) => child.stdin.write(bytes),
    exited,
    kill: () => {
      connection.dispose();
      child.kill();
    },
  };
}

export const INITIALIZE_PARAMS = {
  processId: process.pid,
  rootUri: null,
  capabilities: {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    textDocument: {
      synchronization: { dynamicRegistration: false },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      publishDiagnostics: { versionSupport: true },
    },
  },
};

export async function initialize(session: LspSession): Promise<{ capabilities: Record<string, unknown> }> {
  const result = await session.connection.sendRequest<{ capabilities: Record<string, unknown> }>(
    'initialize',
    INITIALIZE_PARAMS,
  );
  await session.connection.sendNotification('initialized', {});
  return result;
}

export async function shutdown(session: LspSession): Promise<number | null> {
  await session.connection.sendRequest('shutdown');
  await session.connection.sendNotification('exit');
  return session.exited;
}

/** Applies non-overlapping text edits (LSP positions, UTF-16) to a text. */
export function applyEdits(
  text: string,
  edits: { range: { start: { line: number; character: number } }; newText: string }[],
): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }): number => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted) {
    const at = offset(edit.range.start);
    result = result.slice(0, at) + edit.newText + result.slice(at);
  }
  return result;
}
