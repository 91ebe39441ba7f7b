// `npm run compare:tokio -- [--corpus DIR] [--keep]`: the engine's future verdicts against rustc's
// on application-style async code that uses a real tokio (test/oracle/tokio-programs.rs). The
// programs go into a throwaway crate that depends on the corpus's tokio (features "full"), built
// offline with `cargo check` from the corpus folder as the registry; rustc says which of the
// `require_send(f(..))` calls fail, and the CLI (dist/cli.js, as a user runs it) says what it
// thinks of each `f`'s future. Prints right / wrong / unknown and every future that is not
// right; exits 1 when a verdict is wrong. Without a corpus holding tokio, or without cargo, it
// says why and exits 0. `--keep` leaves the crate (its path is printed).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCorpus, findCrate } from '../corpus';
import { REPO_ROOT } from './rust-items';

const PROGRAMS = join(REPO_ROOT, 'test', 'oracle', 'tokio-programs.rs');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');

interface Future {
  name: string;
  kind: string;
  line: number;
  send: { status: string };
  reasons?: string[];
}

function skip(why: string): never {
  process.stdout.write(`compare:tokio skipped: ${why}\n`);
  process.exit(0);
}

/** The fn each `require_send(f(..))` line of `checks` calls, by line. */
function checkedCalls(source: string): Map<number, string> {
  const calls = new Map<number, string>();
  source.split('\n').forEach((text, i) => {
    const m = /^\s*require_send\((\w+)\(/.exec(text);
    if (m?.[1] !== undefined) calls.set(i + 1, m[1]);
  });
  return calls;
}

/** The lines of lib.rs where rustc reports an error (each failing `require_send`). */
function rustcErrors(crate: string): { lines: Set<number>; other: string[] } {
  const run = spawnSync('cargo', ['check', '--offline', '--message-format', 'json', '--quiet'], {
    cwd: crate,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = new Set<number>();
  const other: string[] = [];
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line) as {
      reason: string;
      message?: {
        level: string;
        message: string;
        spans: { file_name: string; line_start: number; is_primary: boolean }[];
      };
    };
    if (m.reason !== 'compiler-message' || m.message?.level !== 'error') continue;
    const span = m.message.spans.find((s) => s.is_primary);
    const isSend = /cannot be sent between threads safely|cannot be shared between threads safely/.test(
      m.message.message,
    );
    if (span?.file_name === 'src/lib.rs' && isSend) lines.add(span.line_start);
    else other.push(`${span?.file_name ?? '?'}:${span?.line_start ?? '?'}: ${m.message.message}`);
  }
  if (run.status !== 0 && lines.size === 0 && other.length === 0)
    other.push(run.stderr.trim().split('\n').slice(-5).join('\n'));
  return { lines, other };
}

function main(): void {
  const corpus = findCorpus();
  if (corpus.kind === 'absent') skip(corpus.why);
  const tokio = findCrate(corpus.root, 'tokio');
  if (tokio === undefined) skip(`the corpus (${corpus.root}) has no tokio`);
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' });
  } catch {
    skip('cargo is not on PATH');
  }
  if (!existsSync(CLI)) skip('dist/cli.js is missing: run `npm run build` first');

  const crate = mkdtempSync(join(tmpdir(), 'rust-send-sync-tokio-'));
  const keep = process.argv.includes('--keep');
  try {
    mkdirSync(join(crate, 'src'));
    mkdirSync(join(crate, '.cargo'));
    writeFileSync(
      join(crate, 'Cargo.toml'),
      `[package]\nname = "programs"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntokio = { path = ${JSON.stringify(tokio)}, features = ["full"] }\n`,
    );
    // A folder of unpacked crates with checksums (Debian's registry, `cargo vendor`) is a
    // registry cargo reads offline; cargo's own registry cache needs no replacement.
    const vendored = readdirSync(corpus.root).some((d) => existsSync(join(corpus.root, d, '.cargo-checksum.json')));
    if (vendored)
      writeFileSync(
        join(crate, '.cargo', 'config.toml'),
        `[source.crates-io]\nreplace-with = "corpus"\n\n[source.corpus]\ndirectory = ${JSON.stringify(corpus.root)}\n\n[net]\noffline = true\n`,
      );
    copyFileSync(PROGRAMS, join(crate, 'src', 'lib.rs'));
    const source = readFileSync(PROGRAMS, 'utf8');
    const calls = checkedCalls(source);

    const started = performance.now();
    const rustc = rustcErrors(crate);
    const rustcMs = performance.now() - started;
    if (rustc.other.length > 0) {
      process.stderr.write(`cargo check failed on something other than Send:\n${rustc.other.join('\n')}\n`);
      process.exit(2);
    }
    const cli = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', join(crate, 'src', 'lib.rs')], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (cli.status !== 0 && cli.status !== 1) {
      process.stderr.write(`the CLI failed (${cli.status}):\n${cli.stderr}\n`);
      process.exit(2);
    }
    const futures = (JSON.parse(cli.stdout) as { futures: Future[] }).futures.filter((f) => f.kind === 'async-fn');

    const rows: { name: string; rustc: string; engine: string; outcome: string; why: string }[] = [];
    for (const [line, name] of calls) {
      const future = futures.find((f) => f.name === name);
      const rustcSays = rustc.lines.has(line) ? 'no' : 'yes';
      const engine = future?.send.status ?? 'absent';
      const outcome = engine === rustcSays ? 'right' : engine === 'yes' || engine === 'no' ? 'WRONG' : 'unknown';
      rows.push({ name, rustc: rustcSays, engine, outcome, why: future?.reasons?.[0] ?? '' });
    }
    const count = (o: string) => rows.filter((r) => r.outcome === o).length;
    const pct = (n: number) => `${((100 * n) / rows.length).toFixed(0)}%`;
    process.stdout.write(
      `tokio: ${tokio}\nrustc (cargo check, offline): ${(rustcMs / 1000).toFixed(1)} s\n` +
        `${rows.length} futures: right ${count('right')} (${pct(count('right'))}), wrong ${count('WRONG')}, ` +
        `unknown ${count('unknown')} (${pct(count('unknown'))}); rustc: ${rows.filter((r) => r.rustc === 'no').length} not Send\n\n`,
    );
    for (const r of rows.filter((row) => row.outcome !== 'right'))
      process.stdout.write(
        `${r.outcome.padEnd(8)} ${r.name.padEnd(28)} rustc ${r.rustc.padEnd(4)} engine ${r.engine.padEnd(8)} ${r.why.slice(0, 160)}\n`,
      );
    if (keep) process.stdout.write(`\nkept: ${crate}\n`);
    process.exitCode = count('WRONG') > 0 ? 1 : 0;
  } finally {
    if (!keep) rmSync(crate, { recursive: true, force: true });
  }
}

main();
