// The command line (dist/cli-core.js, started by dist/cli.js, `rust-send-sync`; see
// cli-start.ts): `check PATH...` for CI and terminals, and
// `--stdio` (or `--node-ipc`) to run the language server (dist/server.js, beside it). Only
// JSON/SARIF (or workflow commands) reach stdout in those formats; every problem goes to stderr.
import { join } from 'node:path';
import { createEngine } from './engine';
import { parseArgs, USAGE, type CheckOptions, type ReportOptions } from './cli/args';
import { exitCodeOf } from './cli/check';
import { defaultJobs, isCheckWorker, runCheckWorker, runCheck } from './cli/jobs';
import { collectReport } from './cli/project-check';
import { renderReportJson, renderReportMarkdown } from './present/crate-report';
import { formatGithub } from './cli/format-github';
import { formatJson } from './cli/format-json';
import { formatSarif } from './cli/format-sarif';
import { formatText } from './cli/format-text';

function readVersion(): string {
  // esbuild inlines the manifest; only its version is read.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild inlines the manifest
  const manifest: unknown = require('../../package.json');
  const version =
    typeof manifest === 'object' && manifest !== null ? (manifest as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

function useColor(): boolean {
  return process.stdout.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

async function check(options: CheckOptions): Promise<number> {
  // Workers start as this process did, through cli.js and its code cache.
  const run = await runCheck(options, options.jobs ?? defaultJobs(), join(__dirname, 'cli.js'));
  for (const problem of run.problems) process.stderr.write(`error: ${problem.path}: ${problem.message}\n`);
  const output =
    options.format === 'json'
      ? formatJson(run)
      : options.format === 'sarif'
        ? formatSarif(run, readVersion())
        : options.format === 'github'
          ? formatGithub(run)
          : formatText(run, useColor());
  process.stdout.write(output);
  return exitCodeOf(run);
}

async function report(options: ReportOptions): Promise<number> {
  const engine = await createEngine({ wasmDir: __dirname, mentions: false, reuseFutures: false });
  const { entries, problems } = collectReport(options.paths, engine, options.maxFileSize, options.allFeatures);
  for (const problem of problems) process.stderr.write(`error: ${problem.path}: ${problem.message}\n`);
  process.stdout.write(
    options.format === 'json' ? renderReportJson(entries) : renderReportMarkdown(options.paths.join(', '), entries),
  );
  return problems.length > 0 ? 2 : 0;
}

async function main(argv: readonly string[]): Promise<number | undefined> {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'server':
      // The language server's own bundle beside this one (dist/server.js starts the server on
      // the transport the command line names): `check` does not parse its ~450 KB of LSP code.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle, loaded at run time
      require(join(__dirname, 'server.js'));
      return undefined; // the connection keeps the process alive and exits on `exit`
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
      process.stdout.write(`rust-send-sync ${readVersion()}\n`);
      return 0;
    case 'usage-error':
      process.stderr.write(`error: ${command.message}\n\nRun \`rust-send-sync --help\` for usage.\n`);
      return 2;
    case 'check':
      return check(command.options);
    case 'report':
      return report(command.options);
  }
}

if (isCheckWorker()) {
  // A `--jobs` worker: the same bundle, serving the main thread (see cli/jobs.ts).
  runCheckWorker().catch((error: unknown) => {
    throw error;
  });
} else {
  runCli();
}

function runCli(): void {
  // `check ... | head` closes the pipe early: that is the reader's choice, not an error to report.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });

  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) exitWhenWritten(code);
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      exitWhenWritten(2);
    },
  );
}

/**
 * Exits once stdout and stderr have taken everything written (a pipe may be slow), without
 * waiting for the event loop to run dry: before that, Node waits for V8's background work to
 * finish, and V8 is then still optimizing the grammar's hottest wasm functions for a parse that
 * is over (100 ms and more on a small crate).
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit();
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
