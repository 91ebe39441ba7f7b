// What the end-to-end test needs on the machine before it starts: code-server (installed offline by
// the shared script into a cache folder), Debian's chromium, and the packaged .vsix. Every step
// is idempotent, so a second run only pays for the build. Also runs child processes with a bound
// on their time, and lists a zip's entries so the .vsix contents can be checked without unzip.
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command, echoing its output with a prefix; rejects on a non-zero exit or on timeout. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; quiet?: boolean; allowFailure?: boolean },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    };
    const child = spawn(command, args, spawnOptions);
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      if (!options.quiet) process.stdout.write(text.replace(/^(?=.)/gm, '    '));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const exit = code ?? 1;
      if (exit !== 0 && !options.allowFailure) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${exit}:\n${output.slice(-4000)}`));
      } else {
        resolvePromise({ code: exit, output });
      }
    });
  });
}

/** Signals a whole process group (children were spawned detached, so they lead their group). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A prerequisite this machine cannot provide: the end-to-end test is skipped, saying why. */
export class Unavailable extends Error {}

/**
 * code-server through `../shared/vscode/install-code-server.sh` (a no-op when the cache holds a
 * working install). `E2E_CODE_SERVER` may name an existing binary instead.
 */
export async function ensureCodeServer(): Promise<string> {
  const given = process.env.E2E_CODE_SERVER;
  if (given) {
    if (!existsSync(given)) throw new Error(`E2E_CODE_SERVER=${given} does not exist`);
    return given;
  }
  const prefix = resolve(process.env.E2E_CODE_SERVER_PREFIX ?? join(repoRoot, '.vscode-test', 'code-server'));
  const binary = join(prefix, 'node_modules', '.bin', 'code-server');
  const script = resolve(repoRoot, '..', 'shared', 'vscode', 'install-code-server.sh');
  if (existsSync(script)) {
    await run('bash', [script, prefix], { timeoutMs: 20 * 60_000 });
  } else if (!existsSync(binary)) {
    throw new Unavailable(
      `no code-server in ${prefix}, no install script at ${script}, and E2E_CODE_SERVER is not set`,
    );
  }
  if (!existsSync(binary)) throw new Error(`the install script finished but ${binary} is missing`);
  return binary;
}

/** Debian's chromium, installed with apt-get when missing; `E2E_CHROMIUM` may name another. */
export async function ensureChromium(): Promise<string> {
  const path = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  if (process.env.E2E_CHROMIUM) throw new Error(`E2E_CHROMIUM=${path} does not exist`);
  const asRoot = process.getuid?.() === 0;
  const apt = (args: string[]): Promise<RunResult> =>
    asRoot
      ? run('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 15 * 60_000 })
      : run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { timeoutMs: 15 * 60_000 });
  console.log('  chromium is missing: apt-get install chromium');
  await apt(['update', '-qq']);
  await apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  if (!existsSync(path)) throw new Error(`apt-get installed chromium but ${path} is missing`);
  return path;
}

/** Builds and packages the extension exactly as a release would; returns the .vsix path. */
export async function packageExtension(): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const vsix = join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  await run('npm', ['run', 'package', '--silent'], { timeoutMs: 5 * 60_000 });
  if (!existsSync(vsix)) throw new Error(`npm run package did not write ${vsix}`);
  return vsix;
}

/** The names of a zip archive's entries, read from its central directory. */
export function listZipEntries(file: string): string[] {
  const zip = readFileSync(file);
  const endSignature = 0x06054b50;
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === endSignature) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${file} is not a zip archive`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: corrupt central directory`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
