// `npm run test:e2e`: the packaged extension in a real VS Code (code-server in chromium), used as a
// person would use it. Installs what is missing, packages the .vsix, checks what it holds, runs the
// scenario, then fails on any error our extension logged. Always stops code-server and chromium;
// screenshots and logs land in test-results/e2e/, named in the output.
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    'extension/dist/cli.js',
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
  console.log(`    ${entries.length} entries, none from node_modules or sources`);
}

async function main(): Promise<void> {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const shotDir = join(resultsDir, 'screenshots');

  step('code-server (install if missing)');
  const codeServer = await ensureCodeServer();
  step('chromium (install if missing)');
  const chromiumPath = await ensureChromium();

  step('npm run package');
  const vsix = await packageExtension();
  checkVsix(vsix);

  step('fresh profile, install the .vsix');
  runDir = mkdtempSync(join(tmpdir(), 'rust-send-sync-e2e-'));
  const profile = createProfile(runDir);
  await installExtension(codeServer, profile, vsix);
  const installed = await listExtensions(codeServer, profile);
  assert.ok(
    installed.some((e) => e.startsWith('rust-send-sync.rust-send-sync@')),
    `installed: ${installed.join(', ')}`,
  );

  // The test edits the crate, so it works on a copy.
  const workspace = join(runDir, 'fixture');
  cpSync(join(repoRoot, 'test', 'e2e', 'fixture'), workspace, { recursive: true });

  step('start code-server and chromium');
  server = await startCodeServer(codeServer, profile, workspace, join(resultsDir, 'code-server.log'));
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 60_000 });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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
    const result = await runScenario(workbench, join(workspace, 'src', 'lib.rs'), step);
    console.log(`    hover: ${JSON.stringify(result.hover)}`);
    console.log(`    quick fixes offered: ${JSON.stringify(result.quickFixes)}`);
    console.log(`    inserted above the impl: ${JSON.stringify(result.inserted)}`);
    console.log(`    async fn hover: ${JSON.stringify(result.futureHover)}`);
  } catch (error) {
    await workbench.screenshot('failure').catch(() => undefined);
    throw error;
  } finally {
    writeFileSync(join(resultsDir, 'browser-console.log'), consoleLines.join('\n'));
    copyLogs(profile.userDataDir, join(resultsDir, 'logs'));
    console.log(`[e2e] screenshots: ${relative(process.cwd(), shotDir)}/`);
    for (const shot of workbench.shots) console.log(`    ${relative(shotDir, shot)}`);
    console.log(`[e2e] logs: ${relative(process.cwd(), join(resultsDir, 'logs'))}/`);
  }

  step('read the extension host log');
  const logs = readLogs(profile.userDataDir);
  assert.ok(wasActivated(logs), 'the extension host never logged activating rust-send-sync');
  assert.ok(logs.some(isOurChannel), 'no "Rust Send/Sync" output channel was logged');
  const errors = findOurErrors(logs);
  const extensionConsoleErrors = consoleLines.filter(
    (l) => /^\[(error|pageerror)\]/.test(l) && /rust-send-sync/i.test(l),
  );
  assert.deepEqual([...errors, ...extensionConsoleErrors], [], 'the extension logged errors');
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
