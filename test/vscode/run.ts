// Runs the extension's scenarios inside a real VS Code through @vscode/test-electron, when a
// VS Code build is at hand: $VSCODE_EXECUTABLE, or one already cached under .vscode-test/. It
// never downloads unless RUST_SEND_SYNC_VSCODE_DOWNLOAD=1 (this machine has no internet), and
// otherwise prints why it skipped and exits 0. Run with `npm run test:vscode` (builds first).
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, '.vscode-test');

/** The executable of a VS Code build that test-electron left in its cache folder, if any. */
function findCachedVSCode(): string | undefined {
  if (!existsSync(CACHE)) return undefined;
  const candidates = ['code', 'Code.exe', join('Visual Studio Code.app', 'Contents', 'MacOS', 'Electron')];
  for (const entry of readdirSync(CACHE)) {
    if (!entry.startsWith('vscode-')) continue;
    for (const candidate of candidates) {
      const path = join(CACHE, entry, candidate);
      if (existsSync(path) && statSync(path).isFile()) return path;
    }
  }
  return undefined;
}

async function locateVSCode(): Promise<string | undefined> {
  const fromEnv = process.env.VSCODE_EXECUTABLE;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`VSCODE_EXECUTABLE points at nothing: ${fromEnv}`);
    return fromEnv;
  }
  const cached = findCachedVSCode();
  if (cached !== undefined) return cached;
  if (process.env.RUST_SEND_SYNC_VSCODE_DOWNLOAD === '1') return downloadAndUnzipVSCode({ cachePath: CACHE });
  return undefined;
}

async function main(): Promise<number> {
  const executable = await locateVSCode();
  if (executable === undefined) {
    console.log(
      'test:vscode skipped: no VS Code build available. Set VSCODE_EXECUTABLE to a VS Code executable, ' +
        'or RUST_SEND_SYNC_VSCODE_DOWNLOAD=1 to let @vscode/test-electron download one into .vscode-test/.',
    );
    return 0;
  }
  // The suite runs inside VS Code's extension host, which loads plain CommonJS.
  const suite = join(ROOT, 'dist', 'vscode-test', 'suite.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite.ts')],
    outfile: suite,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    logLevel: 'warning',
  });
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: suite,
    launchArgs: [join(ROOT, 'examples'), '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
  });
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`test:vscode failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
