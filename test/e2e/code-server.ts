// A throwaway code-server for one test run: a fresh user-data and extensions folder whose settings
// silence everything that would stand between a user and the editor (trust prompts, welcome page,
// recommendations, update checks), the .vsix installed into it, and the server started on a free
// local port with no auth. Owns starting it, waiting until it answers, and stopping its process group.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killGroup, run } from './tools';

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
}

/** Settings a user would set once and forget; each keeps a prompt or a popup off the screen. */
const settings = {
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  // The opt-in inlay hints, on, so that the run sees them.
  'rustSendSync.inlayHints.enable': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.hotExit': 'off',
  'window.confirmBeforeClose': 'never',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
};

/** A fresh profile under `root`; `extraSettings` add to (or override) the settings above. */
export function createProfile(root: string, extraSettings: Record<string, unknown> = {}): Profile {
  const profile: Profile = {
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    configFile: join(root, 'code-server.yaml'),
  };
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  writeFileSync(
    join(profile.userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...settings, ...extraSettings }, null, 2),
  );
  // An explicit config file keeps code-server from reading or writing the user's own.
  writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
  return profile;
}

function profileArgs(profile: Profile): string[] {
  return [
    '--config',
    profile.configFile,
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
  ];
}

export async function installExtension(binary: string, profile: Profile, vsix: string): Promise<void> {
  const { output } = await run(binary, [...profileArgs(profile), '--install-extension', vsix, '--force'], {
    timeoutMs: 120_000,
  });
  if (!/successfully installed/i.test(output)) throw new Error(`code-server did not install ${vsix}:\n${output}`);
}

export async function listExtensions(binary: string, profile: Profile): Promise<string[]> {
  const { output } = await run(binary, [...profileArgs(profile), '--list-extensions', '--show-versions'], {
    timeoutMs: 60_000,
    quiet: true,
  });
  return output.split('\n').filter((line) => /^[\w-]+\.[\w-]+@/.test(line.trim()));
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export interface RunningCodeServer {
  /** The URL that opens `folder` in the workbench. */
  url: string;
  stop(): Promise<void>;
}

export async function startCodeServer(
  binary: string,
  profile: Profile,
  folder: string,
  logFile: string,
): Promise<RunningCodeServer> {
  const port = await findFreePort();
  const args = [
    ...profileArgs(profile),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const log = createWriteStream(logFile);
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolveExit) =>
    child.on('exit', (code) => {
      exited = code;
      resolveExit();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');

  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      killGroup(pid, 'SIGTERM');
      const timedOut = await Promise.race([exit.then(() => false), delay(5000).then(() => true)]);
      if (timedOut) killGroup(pid, 'SIGKILL');
    }
    // Children of the extension host (our language server) live in the same group.
    killGroup(pid, 'SIGKILL');
    log.end();
  };

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      throw new Error(
        `code-server exited with ${exited} before answering:\n${readFileSync(logFile, 'utf8').slice(-3000)}`,
      );
    }
    if (await answers(`${base}/healthz`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${base} within 60 s`);
    }
    await delay(250);
  }
  return { url: `${base}/?folder=${encodeURIComponent(folder)}`, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}
