// `npm run compare:corpus -- [--crate DIR]... [--registry DIR] [--private] [--fresh] [--out FILE]
// [--calibrate] [--workspace] [--all-features] [--causes]`:
// the engine against the compiler on real crates. For each crate, rustdoc (stable `cargo doc`,
// offline) states the compiler's Send/Sync conditions for every public type; the engine analyses
// each source file; the script prints correct / wrong / unknown / not matched per crate and in
// total, and writes every case (wrong ones first) to a JSON file.
//
// The crates: `--crate DIR` (repeatable), else RUST_SEND_SYNC_CORPUS (folders separated by
// whitespace or `:`), else the folders printed by a `corpus.sh` next to the repository
// (`../shared/corpus.sh` or `../corpus.sh`). The registry that builds them offline: `--registry`,
// else RUST_SEND_SYNC_CORPUS_REGISTRY, else `corpus.sh --root`, else the crates' common parent.
// Extractions are cached under test-results/corpus/ (keyed by crate, version, cargo version).
// `--all-features`: rustdoc and the engine with every feature of the crate on (when an optional
// dependency is missing offline, the largest set without it, said so in the output).
// `--causes`: the unknowns counted by the kind of reason the engine gives (see unknownCauses).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createEngine } from '../../server/src/engine';
import type { FileAnalysis } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';
import { Project } from '../../server/src/engine/project';
import { compareCrate, type CaseRecord, type CrateComparison, type Outcome } from './corpus-compare';
import {
  allFeatures,
  buildDocs,
  EXTRACT_VERSION,
  extractDocs,
  readPackage,
  toolVersion,
  whatFailed,
  withoutDependency,
  type CrateDocs,
} from './corpus-rustdoc';
import { unknownCauses } from './corpus-causes';
import { findWasmDir, REPO_ROOT } from './rust-items';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const values = (name: string) => args.flatMap((a, i) => (a === `--${name}` && args[i + 1] ? [args[i + 1]] : []));
const value = (name: string) => values(name)[0];

const OUT_DIR = join(REPO_ROOT, 'test-results', 'corpus');

function loud(lines: string[]): void {
  const bar = '!'.repeat(78);
  process.stderr.write(`\n${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n\n`);
}

function findCorpusScript(): string | undefined {
  return [join(REPO_ROOT, '..', 'shared', 'corpus.sh'), join(REPO_ROOT, '..', 'corpus.sh')].find((p) => existsSync(p));
}

/**
 * `--calibrate`: the verdict fixtures, each made a crate, whose verdicts rustc has already checked
 * and the engine matches: any wrong verdict then is a bug of this comparison, not of the engine.
 */
function calibrationCrates(): { crates: string[]; registry: string; how: string } {
  const root = mkdtempSync(join(tmpdir(), 'rust-send-sync-calibrate-'));
  const dir = join(REPO_ROOT, 'test', 'fixtures', 'verdicts');
  const crates: string[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.rs'))
    .sort()) {
    const source = readFileSync(join(dir, f), 'utf8');
    if (/^\s*\/\/!\s*(no-rustc|rustc-bootstrap):/m.test(source)) continue;
    const name = `fixture_${f.replace(/\.rs$/, '').replace(/-/g, '_')}`;
    mkdirSync(join(root, name, 'src'), { recursive: true });
    writeFileSync(join(root, name, 'src', 'lib.rs'), source);
    writeFileSync(join(root, name, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.0.0"\nedition = "2021"\n`);
    crates.push(join(root, name));
  }
  mkdirSync(join(root, 'registry'));
  return { crates, registry: join(root, 'registry'), how: 'test/fixtures/verdicts' };
}

function discover(): { crates: string[]; registry?: string; how: string } | { error: string } {
  if (flag('calibrate')) return calibrationCrates();
  const explicit = values('crate');
  const fromEnv = process.env.RUST_SEND_SYNC_CORPUS?.split(/[\s:]+/).filter(Boolean) ?? [];
  const registry = value('registry') ?? process.env.RUST_SEND_SYNC_CORPUS_REGISTRY;
  if (explicit.length || fromEnv.length) {
    const crates = (explicit.length ? explicit : fromEnv).map((c) => resolve(c));
    return { crates, registry, how: explicit.length ? '--crate' : 'RUST_SEND_SYNC_CORPUS' };
  }
  const script = findCorpusScript();
  if (!script) {
    return {
      error:
        'no corpus: pass --crate DIR, set RUST_SEND_SYNC_CORPUS, or put a corpus.sh (which prints crate folders) next to the repository',
    };
  }
  try {
    process.stderr.write(`installing/locating the corpus with ${script} ...\n`);
    const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const root = registry ?? (execFileSync('bash', [script, '--root'], { encoding: 'utf8' }).trim() || undefined);
    return {
      crates: out
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      registry: root,
      how: script,
    };
  } catch (e) {
    return { error: `${script} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The docs, and with `--all-features` the features they were built with and those left out. */
type BuiltDocs = CrateDocs & { features?: string[]; dropped?: string[] };

async function docsFor(
  crateDir: string,
  registry: string,
  cargoVersion: string,
  privateItems: boolean,
  everyFeature: boolean,
): Promise<BuiltDocs> {
  const { name, version } = readPackage(crateDir);
  const suffix = `${privateItems ? '-private' : ''}${everyFeature ? '-all-features' : ''}`;
  const cacheFile = join(OUT_DIR, 'rustdoc', `${name}-${version}${suffix}.json`);
  // Calibration crates live in a fresh temp folder each run: their key never matches, as intended.
  const key = { extract: EXTRACT_VERSION, cargo: cargoVersion, crateDir, registry, everyFeature };
  if (!flag('fresh') && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: typeof key; docs: BuiltDocs };
    // A build that failed is tried again (the registry or the fallback may have changed).
    if (JSON.stringify(cached.key) === JSON.stringify(key) && !cached.docs.error) return cached.docs;
  }
  const started = Date.now();
  const targetDir = join(OUT_DIR, `target${suffix}`);
  let features = everyFeature ? allFeatures(crateDir) : [];
  const dropped: string[] = [];
  let built = await buildDocs(crateDir, { registry, targetDir, privateItems, features });
  // An optional dependency the registry lacks: again without the features that need it.
  for (let i = 0; everyFeature && built.error && i < 8; i++) {
    const failed = whatFailed(built.error, crateDir);
    if (!failed) break;
    const what = 'feature' in failed ? `feature \`${failed.feature}\`` : `\`${failed.dependency}\``;
    dropped.push(`${what} (${built.error.split('\n')[0]})`);
    const fewer =
      'feature' in failed
        ? withoutDependency(crateDir, features, failed.feature)
        : withoutDependency(crateDir, features, failed.dependency);
    if (fewer.length === features.length) break;
    features = fewer;
    built = await buildDocs(crateDir, { registry, targetDir, privateItems, features });
  }
  const docs: BuiltDocs = built.docDir
    ? { crate: name, version, items: extractDocs(built.docDir, crateDir, name) }
    : { crate: name, version, items: [], error: built.error };
  if (everyFeature) Object.assign(docs, { features, dropped });
  process.stderr.write(
    `${name} ${version}: rustdoc ${built.docDir ? `${docs.items.length} types` : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify({ key, docs }, null, 1));
  return docs;
}

const COLUMNS: [Outcome, string][] = [
  ['correct', 'correct'],
  ['wrong', 'wrong'],
  ['unknown', 'unknown'],
  ['not-matched', 'not matched'],
  ['unchecked', 'unchecked'],
];

function table(rows: { name: string; counts?: Record<Outcome, number>; docOnly?: number; note?: string }[]): string {
  const head = ['crate', ...COLUMNS.map((c) => c[1]), 'rustdoc only'];
  const body = rows.map((r) =>
    r.counts ? [r.name, ...COLUMNS.map(([k]) => String(r.counts![k])), String(r.docOnly ?? 0)] : [r.name, r.note ?? ''],
  );
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.filter((b) => b.length > 2).map((b) => (b[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells.length === 2 && cells[1] && !/^\d+$/.test(cells[1])
      ? `${cells[0].padEnd(widths[0])}  ${cells[1]}`
      : cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const found = discover();
  const cargoVersion = await toolVersion('cargo');
  if ('error' in found || !cargoVersion) {
    loud([
      'compare:corpus compared NOTHING.',
      'error' in found ? found.error : 'cargo was not found on PATH: rustdoc cannot be asked.',
      'No figure below means anything; this is not a pass.',
    ]);
    return;
  }
  const crates = found.crates.filter((c) => existsSync(join(c, 'Cargo.toml')));
  if (crates.length === 0) {
    loud([
      'compare:corpus compared NOTHING: the corpus lists no crate folder with a Cargo.toml.',
      `(from ${found.how})`,
    ]);
    return;
  }
  const registry =
    found.registry ?? (new Set(crates.map((c) => dirname(c))).size === 1 ? dirname(crates[0]) : undefined);
  if (!registry) {
    loud([
      'compare:corpus compared NOTHING: no registry folder to build offline from.',
      'Pass --registry DIR or set RUST_SEND_SYNC_CORPUS_REGISTRY.',
    ]);
    return;
  }
  const privateItems = flag('private') || flag('calibrate');
  const everyFeature = flag('all-features');
  const engine = await createEngine({ wasmDir: findWasmDir() });
  const results: CrateComparison[] = [];
  const failures: { name: string; error: string }[] = [];
  const reduced: { name: string; dropped: string[] }[] = [];
  for (const crateDir of crates) {
    const docs = await docsFor(crateDir, registry, cargoVersion, privateItems, everyFeature);
    const label = `${docs.crate} ${docs.version}`;
    if (docs.error) {
      failures.push({ name: label, error: docs.error });
      continue;
    }
    if (docs.dropped?.length) reduced.push({ name: label, dropped: docs.dropped });
    // --workspace: each crate opened as a Cargo project (modules across files, dependencies
    // from the same registry), as the editor and `check` on a crate folder see it.
    let analyzeInCrate: ((abs: string) => FileAnalysis | undefined) | undefined;
    if (flag('workspace')) {
      const project = new Project(engine, nodeFileSystem, { ...process.env }, docs.features ?? false);
      project.open(crateDir);
      analyzeInCrate = (abs) => project.analyzeFile(abs);
    }
    results.push({ ...compareCrate(engine, docs.crate, crateDir, docs.items, analyzeInCrate), crate: label });
  }
  const total: Record<Outcome, number> = { correct: 0, wrong: 0, unknown: 0, 'not-matched': 0, unchecked: 0 };
  for (const r of results) for (const [k] of COLUMNS) total[k] += r.counts[k];
  console.log(
    `Engine vs rustdoc (${privateItems ? 'public and private' : 'public'} types, ${everyFeature ? 'all' : 'default'} features), per (type, trait) the engine reports:\n`,
  );
  console.log(
    table([
      ...results.map((r) => ({ name: r.crate, counts: r.counts, docOnly: r.docOnly.length })),
      ...failures.map((f) => ({ name: f.name, note: 'did not build offline: not compared' })),
      { name: 'total', counts: total, docOnly: results.reduce((n, r) => n + r.docOnly.length, 0) },
    ]),
  );
  console.log(
    "\nnot matched: rustdoc shows no such type (private, or compiled out by cfg); unchecked: rustdoc's " +
      "condition names something other than the type's parameters; rustdoc only: a documented type no engine report " +
      'matched (declared by a macro, for instance).',
  );
  for (const f of failures) console.log(`\n${f.name} did not build offline:\n${f.error}`);
  for (const r of reduced) console.log(`\n${r.name}: all features but those needing ${r.dropped.join('; ')}`);
  const decided = total.correct + total.wrong + total.unknown;
  const inSource = results.reduce((n, r) => n + r.docOnly.filter((d) => d.endsWith(')')).length, 0);
  console.log(
    `\nunknown: ${total.unknown} of ${decided} matched verdicts (${((100 * total.unknown) / Math.max(1, decided)).toFixed(1)}%); ` +
      `${inSource} types declared in the crates' sources that no engine report matched`,
  );
  if (flag('causes')) {
    console.log('\nUnknown verdicts by cause (one count per verdict, per distinct cause it gives):');
    for (const [cause, n] of unknownCauses(results.flatMap((r) => r.cases)))
      console.log(`  ${String(n).padStart(5)}  ${cause}`);
  }

  const wrong = results.flatMap((r) => r.cases.filter((c) => c.outcome === 'wrong'));
  const order: Outcome[] = ['wrong', 'unchecked', 'unknown', 'correct', 'not-matched'];
  const all: CaseRecord[] = order.flatMap((o) => results.flatMap((r) => r.cases.filter((c) => c.outcome === o)));
  const outName = flag('calibrate') ? 'calibration' : privateItems ? 'comparison-private' : 'comparison';
  const outFile = value('out') ? resolve(value('out')) : join(OUT_DIR, `${outName}.json`);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(
    outFile,
    JSON.stringify(
      {
        privateItems,
        total,
        crates: results.map((r) => ({ crate: r.crate, counts: r.counts, files: r.files, docOnly: r.docOnly })),
        failures,
        wrong,
        cases: all,
      },
      null,
      1,
    ),
  );
  console.log(`\n${wrong.length} wrong verdicts; every case is in ${outFile}`);
  for (const w of wrong.slice(0, Number(value('show') ?? 40))) {
    console.log(
      `  ${w.crate} ${w.file}:${w.line} ${w.type ?? w.enginePath} ${w.trait}: engine ${w.engine}, rustdoc ${w.rustdoc}`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
