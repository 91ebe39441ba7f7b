// `npm run bench:index -- [--corpus DIR] [--crate NAME] [--runs N]`: how long reading a whole
// crate as a Cargo project takes (its module tree, the dependencies its fields reach, every type's
// verdicts and findings), against the floor of reading and parsing the same crate's files, in the
// same process and run; and the server's time from `initialize` to "indexed" on that crate.
// Figures, not tests. The crate is indexed with all its features, so all of it is read.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { createEngine } from '../server/src/engine';
import { nodeFileSystem } from '../server/src/cargo/node-fs';
import { Project } from '../server/src/engine/project';
import { findCorpus, findCrate, listRustFiles } from '../test/corpus';
import { median, round } from './stats';

const ROOT = join(__dirname, '..');
const arg = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
};
const runs = Math.max(1, Number(arg('--runs', '5')) || 5);

async function main(): Promise<void> {
  const corpus = findCorpus();
  if (corpus.kind === 'absent') {
    console.log(`bench:index measured NOTHING: ${corpus.why}`);
    return;
  }
  const crateDir = findCrate(corpus.root, arg('--crate', 'tokio'));
  if (!crateDir) {
    console.log(`bench:index measured NOTHING: no crate ${arg('--crate', 'tokio')} in ${corpus.root}`);
    return;
  }
  const engine = await createEngine({ wasmDir: join(ROOT, 'dist'), mentions: false });
  const files = listRustFiles(join(crateDir, 'src'));

  const floor: number[] = [];
  const cliIndex: number[] = [];
  let read = { files: 0, deps: 0, depFiles: 0, types: 0 };
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    for (const f of files) engine.parse(readFileSync(f, 'utf8')).delete();
    floor.push(performance.now() - t);

    t = performance.now();
    const project = new Project(engine, nodeFileSystem, process.env, true);
    project.open(crateDir);
    let types = 0;
    for (const f of project.localFiles()) types += project.analyzeFile(f)?.types.length ?? 0;
    cliIndex.push(performance.now() - t);
    const deps = project.crates.filter((c) => !c.local);
    read = {
      files: project.localFiles().length,
      deps: deps.length,
      depFiles: deps.reduce((n, c) => n + c.files.size, 0),
      types,
    };
  }

  const server: number[] = [];
  for (let r = 0; r < runs; r++) server.push(await serverIndexMs(crateDir));

  const rows = [
    ['read + parse every .rs file under src/ (floor)', median(floor)],
    ['project: open, module tree, dependencies, verdicts + findings of every file', median(cliIndex)],
    ['server: initialize -> workspace indexed', median(server)],
  ] as const;
  console.log(
    `\nIndexing ${crateDir.split('/').pop()} (${files.length} .rs files under src/; all features: ${read.files} in the module tree, ` +
      `${read.types} types; ${read.deps} dependency crates, ${read.depFiles} of their files read), median of ${runs} runs, ${availableParallelism()} cores:\n`,
  );
  for (const [what, ms] of rows)
    console.log(`  ${what.padEnd(78)} ${String(round(ms, 0)).padStart(6)} ms  ${round(ms / median(floor), 2)}x floor`);
  console.log(
    JSON.stringify({
      crate: crateDir.split('/').pop(),
      runs,
      cores: availableParallelism(),
      floorMs: median(floor),
      projectMs: median(cliIndex),
      serverMs: median(server),
      ...read,
    }),
  );
}

/** Starts the server on the crate's folder and times initialize until it logs "indexed". */
function serverIndexMs(folder: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const started = performance.now();
    const timer = setTimeout(() => finish(new Error('the server did not index within 120 s')), 120_000);
    const finish = (result: number | Error) => {
      clearTimeout(timer);
      connection.dispose();
      child.kill();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      if (p.message.startsWith('indexed ')) finish(performance.now() - started);
    });
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    connection.listen();
    const uri = pathToFileURL(folder).href;
    void connection
      .sendRequest('initialize', {
        processId: process.pid,
        rootUri: uri,
        workspaceFolders: [{ uri, name: 'bench' }],
        capabilities: {},
        initializationOptions: { allFeatures: true },
      })
      .then(() => connection.sendNotification('initialized', {}))
      .catch(finish);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
