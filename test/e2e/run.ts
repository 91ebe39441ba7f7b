// `npm run test:e2e`: the packaged extension in a real VS Code (code-server in chromium), used as a
// person would use it. Installs what is missing, packages the .vsix, checks what it holds, runs the
// scenario in the Node extension host, then the web scenario with the extension forced into the
// web worker extension host (as in vscode.dev), and fails on any error our extension logged.
// Always stops code-server and chromium; screenshots and logs land in test-results/e2e/ (the web
// pass's in test-results/e2e/web/), named in the output.
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import {
  createProfile,
  installExtension,
  listExtensions,
  startCodeServer,
  type RunningCodeServer,
} from './code-server';
import { copyLogs, findOurErrors, isOurChannel, readLogs, wasActivated } from './logs';
import { runScenario } from './scenario';
import { runWebScenario } from './web-scenario';
import { ensureChromium, ensureCodeServer, listZipEntries, packageExtension, repoRoot, Unavailable } from './tools';
import { Workbench } from './workbench';

const resultsDir = join(repoRoot, 'test-results', 'e2e');
const overallTimeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 15 * 60_000);
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const started = Date.now();
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;
let stepNumber = 0;
const step = (title: string): void => {
  stepNumber += 1;
  console.log(`[e2e ${elapsed()}] ${stepNumber}. ${title}`);
};

let browser: Browser | undefined;
let server: RunningCodeServer | undefined;
let runDir: string | undefined;

async function cleanUp(): Promise<void> {
  await browser?.close().catch(() => undefined);
  browser = undefined;
  await server?.stop().catch(() => undefined);
  server = undefined;
  if (runDir && !process.env.E2E_KEEP) rmSync(runDir, { recursive: true, force: true });
}

function checkVsix(vsix: string): void {
  const entries = listZipEntries(vsix);
  for (const needed of [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/web/extension.js',
    'extension/dist/web/server.js',
    'extension/dist/cli.js',
    'extension/dist/cli-core.js',
    'extension/dist/tree-sitter.wasm',
    'extension/dist/tree-sitter-rust.wasm',
    'extension/LICENSE.txt',
    'extension/images/icon.png',
  ]) {
    assert.ok(entries.includes(needed), `${relative(repoRoot, vsix)} lacks ${needed}`);
  }
  if (existsSync(join(repoRoot, 'README.md'))) {
    assert.ok(entries.includes('extension/readme.md'), 'the .vsix lacks the README');
  }
  const strays = entries.filter((e) => /(^|\/)node_modules\/|\.map$|\.ts$|^extension\/(test|client|server)\//.test(e));
  assert.deepEqual(strays, [], 'the .vsix holds files that should not ship');
  const size = statSync(vsix).size;
  assert.ok(size < MAX_VSIX_BYTES, `the .vsix is ${size} bytes, over ${MAX_VSIX_BYTES}`);
  console.log(`    ${entries.length} entries, none from node_modules or sources; ${(size / 1024).toFixed(0)} KB`);
}

/** The .vsix stays small: both hosts' bundles and the wasm files, nothing else. */
const MAX_VSIX_BYTES = 2 * 1024 * 1024;

/**
 * The web pass's profile: the extension may only run in the web worker extension host, as where
 * there is no Node (code-server honours `remote.extensionKind` for an extension with a `browser` entry).
 */
const WEB_HOST_SETTINGS = { 'remote.extensionKind': { 'rust-send-sync.rust-send-sync': ['web'] } };

async function main(): Promise<void> {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  step('code-server (install if missing)');
  const codeServer = await ensureCodeServer();
  step('chromium (install if missing)');
  const chromiumPath = await ensureChromium();

  step('npm run package');
  const vsix = await packageExtension();
  checkVsix(vsix);

  runDir = mkdtempSync(join(tmpdir(), 'rust-send-sync-e2e-'));
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 60_000 });
  // Both by default; `E2E_HOSTS=web` runs one pass (while working on it).
  const hosts = (process.env.E2E_HOSTS ?? 'node,web').split(',');
  assert.ok(
    hosts.every((h) => h === 'node' || h === 'web'),
    `E2E_HOSTS=${process.env.E2E_HOSTS}: name node, web or both`,
  );
  for (const host of ['node', 'web'] as const) if (hosts.includes(host)) await runPass(host, codeServer, vsix, browser);
}

/** One code-server with a fresh profile and a copy of the fixture, one scenario, then its logs checked. */
async function runPass(
  host: 'node' | 'web',
  codeServer: string,
  vsix: string,
  chromiumBrowser: Browser,
): Promise<void> {
  const passDir = join(runDir ?? tmpdir(), host);
  const passResults = host === 'node' ? resultsDir : join(resultsDir, 'web');
  mkdirSync(passResults, { recursive: true });
  const shotDir = join(passResults, 'screenshots');

  step(`${host} host: fresh profile, install the .vsix`);
  const profile = createProfile(passDir, host === 'web' ? WEB_HOST_SETTINGS : {});
  await installExtension(codeServer, profile, vsix);
  const installed = await listExtensions(codeServer, profile);
  assert.ok(
    installed.some((e) => e.startsWith('rust-send-sync.rust-send-sync@')),
    `installed: ${installed.join(', ')}`,
  );

  // The test edits the crate, so it works on a copy.
  const workspace = join(passDir, 'fixture');
  cpSync(join(repoRoot, 'test', 'e2e', 'fixture'), workspace, { recursive: true });

  step(`${host} host: start code-server, open a page`);
  server = await startCodeServer(codeServer, profile, workspace, join(passResults, 'code-server.log'));
  const context = await chromiumBrowser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) consoleLines.push(`[http ${response.status()}] ${response.url()}`);
  });
  const workbench = new Workbench(page, shotDir);
  try {
    await workbench.open(server.url, 'fixture');
    if (host === 'node') {
      const result = await runScenario(workbench, join(workspace, 'src', 'lib.rs'), step);
      console.log(`    hover: ${JSON.stringify(result.hover)}`);
      console.log(`    quick fixes offered: ${JSON.stringify(result.quickFixes)}`);
      console.log(`    inserted above the impl: ${JSON.stringify(result.inserted)}`);
      console.log(`    async fn hover: ${JSON.stringify(result.futureHover)}`);
    } else {
      const result = await runWebScenario(workbench, workspace, step);
      console.log(`    log: ${JSON.stringify(result.log.filter((l) => /ready|Sent|indexed/.test(l)))}`);
      console.log(`    hover: ${JSON.stringify(result.hover)}`);
      console.log(`    quick fixes offered: ${JSON.stringify(result.quickFixes)}`);
      console.log(`    inserted above the impl: ${JSON.stringify(result.inserted)}`);
      console.log(`    hover of Job (jobs.rs, holds lib.rs's Cache): ${JSON.stringify(result.jobHover)}`);
      console.log(`    types view (not Send) after jobs.rs changed on disk: ${JSON.stringify(result.rowsAfterChange)}`);
    }
    // Read while code-server still runs: stopping it makes pending requests fail, by design.
    step(`${host} host: read the logs`);
    const logs = readLogs(profile.userDataDir);
    if (host === 'node') {
      assert.ok(wasActivated(logs), 'the extension host never logged activating rust-send-sync');
      assert.ok(logs.some(isOurChannel), 'no "Rust Send/Sync" output channel was logged');
    } else {
      // The server side keeps the Node extension host's log: the extension must not have run there.
      assert.ok(!wasActivated(logs), 'rust-send-sync was activated in the Node extension host');
    }
    const errors = findOurErrors(logs);
    const extensionConsoleErrors = consoleLines.filter(
      (l) => /^\[(error|pageerror)\]/.test(l) && /rust-send-sync/i.test(l),
    );
    assert.deepEqual([...errors, ...extensionConsoleErrors], [], 'the extension logged errors');
  } catch (error) {
    await workbench.screenshot('failure').catch(() => undefined);
    throw error;
  } finally {
    writeFileSync(join(passResults, 'browser-console.log'), consoleLines.join('\n'));
    copyLogs(profile.userDataDir, join(passResults, 'logs'));
    console.log(`[e2e] screenshots: ${relative(process.cwd(), shotDir)}/`);
    for (const shot of workbench.shots) console.log(`    ${relative(shotDir, shot)}`);
    console.log(`[e2e] logs: ${relative(process.cwd(), join(passResults, 'logs'))}/`);
    await context.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
    server = undefined;
  }
}

const watchdog = setTimeout(() => {
  console.error(`[e2e] FAILED: the run took longer than ${overallTimeoutMs / 1000}s`);
  void cleanUp().finally(() => process.exit(1));
}, overallTimeoutMs);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(async () => {
    await cleanUp();
    clearTimeout(watchdog);
    console.log(`[e2e] PASSED in ${elapsed()}`);
  })
  .catch(async (error: unknown) => {
    await cleanUp();
    clearTimeout(watchdog);
    if (error instanceof Unavailable) {
      console.log(`[e2e] SKIPPED: ${error.message}`);
      return;
    }
    console.error(
      `[e2e] FAILED after ${elapsed()}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  });
