// Multi-file fixtures (test/fixtures/crates/*): Cargo packages whose `//@` markers use crate paths.
// The engine opens each as a project (modules across files, a path dependency, a renamed registry
// dependency read from vendor/ at its locked version, features) and must match every marker; rustc
// checks the same markers on the crate flattened into one file (each `mod x;` inlined, each
// dependency made a module), so the compiler, not the author, decides what is expected.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';
import { Project, type ProjectOptions } from '../../server/src/engine/project';
import { blankItemMacroBodies } from '../../server/src/syntax/skim';
import { compareWithEngine, compareWithRustc, parseFixture } from '../oracle/check-fixture';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';
import { reasonsText, requiresText } from '../../server/src/present/verdict-text';

const CRATES = join(REPO_ROOT, 'test', 'fixtures', 'crates');
const enginePromise = createEngine({ wasmDir: findWasmDir() });

async function openProject(name: string, wholeDependencies = false, options: ProjectOptions = {}): Promise<Project> {
  const project = new Project(await enginePromise, nodeFileSystem, { HOME: '/nonexistent' }, false, {
    wholeDependencies,
    ...options,
  });
  assert.ok(project.open(name.startsWith('/') ? name : join(CRATES, name)), `no Cargo.toml in ${name}`);
  return project;
}

for (const name of ['app', 'helper', 'unfetched']) {
  test(`crates/${name}: the engine matches every marker, crate-wide`, async () => {
    const project = await openProject(name);
    const files = project.localFiles();
    assert.ok(files.length > 0);
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const analysis = project.analyzeFile(file);
      assert.ok(analysis, `${file} is not in the crate`);
      for (const p of compareWithEngine(parseFixture(text, file), analysis))
        problems.push(`${relative(CRATES, file)}: ${p}`);
    }
    assert.deepEqual(problems, []);
  });
}

test('crates/app: the module tree follows mod.rs, #[path], cfg_attr paths, raw names and nested files', async () => {
  const files = (await openProject('app'))
    .localFiles()
    .map((f) => relative(join(CRATES, 'app'), f))
    .sort();
  assert.deepEqual(files, [
    'src/async.rs',
    'src/codec.rs',
    'src/lib.rs',
    'src/odd/place.rs',
    'src/sys/unix.rs',
    'src/weak.rs',
    'src/worker/job.rs',
    'src/worker/mod.rs',
  ]);
});

test('crates/app: a type from the locked vendored version, through a renamed dependency, gives its reason', async () => {
  const project = await openProject('app');
  const analysis = project.analyzeFile(join(CRATES, 'app', 'src', 'lib.rs'))!;
  const uses = analysis.types.find((t) => t.name === 'UsesHandle')!;
  // fetched 0.9.0 (not locked) would make `Handle` Sync; 1.0.2 holds a raw pointer.
  assert.equal(uses.sync.status, 'no');
  assert.match(reasonsText(uses.sync).join('\n'), /Handle\.0: \*mut u8/);
  assert.ok(!analysis.types.some((t) => t.name === 'Slow'), 'a type under a disabled feature is not compiled');
});

test('crates/app: dependencies read skimmed (comments and plain fn bodies blanked) give what read whole gives', async () => {
  const skimmed = await openProject('app');
  const whole = await openProject('app', true);
  const files = skimmed.localFiles();
  assert.deepEqual(whole.localFiles(), files);
  for (const file of files) {
    const { types, findings } = skimmed.analyzeFile(file)!;
    const read = whole.analyzeFile(file)!;
    assert.deepEqual({ types, findings }, { types: read.types, findings: read.findings }, file);
  }
  const lib = skimmed.analyzeFile(join(CRATES, 'app', 'src', 'lib.rs'))!;
  // The dependency's impl written in a fn body, and its items after a body holding braces.
  assert.equal(lib.types.find((t) => t.name === 'UsesRegistered')?.send.status, 'yes');
  assert.equal(lib.types.find((t) => t.name === 'UsesAfterBodies')?.send.status, 'no');
});

test("item macros' bodies left out of the files' own trees: each fixture calling one, as a crate, gives what the whole tree gives", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rss-macro-bodies-'));
  try {
    let compared = 0;
    let fromMacros = 0;
    for (const kind of ['verdicts', 'findings', 'futures']) {
      for (const name of readdirSync(join(REPO_ROOT, 'test', 'fixtures', kind)).filter((f) => f.endsWith('.rs'))) {
        const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', kind, name), 'utf8');
        const blanked = blankItemMacroBodies(text);
        if (blanked === text) continue;
        const root = join(dir, `${kind}-${name.slice(0, -3)}`);
        mkdirSync(join(root, 'src'), { recursive: true });
        writeFileSync(join(root, 'Cargo.toml'), '[package]\nname = "fixture"\nversion = "0.1.0"\nedition = "2021"\n');
        writeFileSync(join(root, 'src', 'lib.rs'), text);
        const lib = join(root, 'src', 'lib.rs');
        const left = (await openProject(root)).analyzeFile(lib)!;
        const whole = (await openProject(root, false, { wholeTrees: true })).analyzeFile(lib)!;
        const part = ({ types, findings, futures, mentions, syntaxErrors }: typeof left) => ({
          types,
          findings,
          futures,
          mentions,
          syntaxErrors,
        });
        assert.deepEqual(part(left), part(whole), `${kind}/${name}`);
        compared++;
        // Types declared where the file's own tree now holds blanks.
        const lines = blanked.split('\n');
        fromMacros += left.types.filter(
          ({ nameRange: { start } }) => lines[start.line][start.character] === ' ',
        ).length;
      }
    }
    assert.ok(compared >= 5, `${compared} fixtures call item macros`);
    // A file whose only async fn is in an item macro's body: its tree holds no `async`, its text does.
    const root = join(dir, 'only-in-macro');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'Cargo.toml'), '[package]\nname = "only"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(
      join(root, 'src', 'lib.rs'),
      [
        'macro_rules! cfg_rt { ($($item:item)*) => { $($item)* } }',
        'pub struct Shared(std::rc::Rc<u8>);',
        'cfg_rt! {',
        '    pub async fn hold(shared: Shared) -> u8 { std::future::ready(()).await; *shared.0 }',
        '}',
      ].join('\n'),
    );
    const futures = (await openProject(root)).analyzeFile(join(root, 'src', 'lib.rs'))!.futures ?? [];
    assert.deepEqual(
      futures.map((f) => [f.name, f.send.status]),
      [['hold', 'no']],
    );
    assert.ok(fromMacros >= 5, `${fromMacros} types are declared in item macros' bodies`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('crates/unfetched: a dependency whose source is not on disk makes the verdict unknown, saying so', async () => {
  const project = await openProject('unfetched');
  const gone = project.analyzeFile(join(CRATES, 'unfetched', 'src', 'lib.rs'))!.types.find((t) => t.name === 'Gone')!;
  assert.equal(gone.send.status, 'unknown');
  assert.match(reasonsText(gone.send).join('\n'), /source of crate `missing` was not found; run `cargo fetch`/);
});

test('crates/app: a hover target on a mention resolves across files and crates', async () => {
  const project = await openProject('app');
  const analysis = project.analyzeFile(join(CRATES, 'app', 'src', 'worker', 'mod.rs'))!;
  const queue = analysis.mentions?.find((m) => m.type.name === 'Queue');
  assert.ok(queue, JSON.stringify(analysis.mentions?.map((m) => m.type.path)));
  assert.deepEqual(requiresText(queue.type.sync), ['T: Send']);
  assert.ok(analysis.mentions?.some((m) => m.type.name === 'Handle' && m.type.send.source === 'unsafe-impl'));
});

// ---- rustc: the crate flattened into one file ----

const MOD_DECL = /^((?:[ \t]*#\[[^\n]*\]\s*\n)*)([ \t]*(?:pub(?:\([^)]*\))?\s+)?mod\s+((?:r#)?\w+)\s*;)/gm;

/** The file an attribute moves a module to: `#[path]`, or a `cfg_attr` on unix (rustc's host here). */
const pathOf = (attrs: string) =>
  /#\[path\s*=\s*"([^"]+)"\]/.exec(attrs)?.[1] ?? /#\[cfg_attr\(unix,\s*path\s*=\s*"([^"]+)"\)\]/.exec(attrs)?.[1];

/** `mod x;` replaced by `mod x { <x.rs or x/mod.rs> }`, recursively. */
function flatten(file: string, modDir: string, keepMarkers: boolean): string {
  const text = readFileSync(file, 'utf8');
  const body = text.replace(MOD_DECL, (_all, attrs: string, decl: string, written: string) => {
    const name = written.replace(/^r#/, ''); // `mod r#async;` is `async.rs`
    const path = pathOf(attrs);
    const candidates = path ? [join(dirname(file), path)] : [join(modDir, `${name}.rs`), join(modDir, name, 'mod.rs')];
    const child = candidates.find((c) => nodeFileSystem.isFile(c));
    if (!child) throw new Error(`no file for \`mod ${name};\` in ${file}`);
    const childDir = child.endsWith('mod.rs') || path ? dirname(child) : join(dirname(child), name);
    return `${decl.replace(/;\s*$/, '')} {\n${flatten(child, childDir, keepMarkers)}\n}`;
  });
  return keepMarkers ? body : body.replace(/^\s*\/\/@.*$/gm, '');
}

/** The crate's root file with its dependencies as modules (`dep::` paths rewritten to `crate::dep::`). */
function flattenWithDeps(root: string, deps: Record<string, string>): string {
  let text = flatten(root, dirname(root), true);
  for (const dep of Object.keys(deps))
    text = text.replace(new RegExp(`(?<![\\w:])(?:::)?${dep}::`, 'g'), `crate::${dep}::`);
  for (const [dep, lib] of Object.entries(deps))
    text += `\n#[allow(dead_code)]\npub mod ${dep} {\n${flatten(lib, dirname(lib), false)}\n}\n`;
  return text;
}

test('crates/app and crates/helper: rustc agrees with every marker (crates flattened)', async () => {
  const app = flattenWithDeps(join(CRATES, 'app', 'src', 'lib.rs'), {
    helper: join(CRATES, 'helper', 'src', 'lib.rs'),
    net: join(CRATES, 'app', 'vendor', 'fetched-1.0.2', 'src', 'lib.rs'),
    textutil: join(CRATES, 'app', 'vendor', 'text-utils-0.1.0', 'src', 'lib.rs'),
  });
  const helper = flatten(join(CRATES, 'helper', 'src', 'lib.rs'), join(CRATES, 'helper', 'src'), true);
  for (const [name, source] of [
    ['app', app],
    ['helper', helper],
  ] as const) {
    const fixture = parseFixture(source, name);
    assert.ok(fixture.types.length > 0);
    const result = await compareWithRustc(fixture, source);
    assert.deepEqual(result.problems, [], `${name}:\n${source}`);
    assert.ok(result.questions > 0);
  }
});

// ---- crates/gated: modules behind a feature that is off ----

async function openGated(allFeatures: boolean): Promise<Project> {
  const project = new Project(await enginePromise, nodeFileSystem, { HOME: '/nonexistent' }, allFeatures);
  assert.ok(project.open(join(CRATES, 'gated')));
  return project;
}

const GATED_FILES = ['lib.rs', 'lock.rs', 'sync/mod.rs', 'sync/rwlock.rs', 'channel.rs'].map((f) =>
  join(CRATES, 'gated', 'src', f),
);

test('crates/gated: every file, its module active or not, matches its markers, as with the feature on', async () => {
  const [off, on] = [await openGated(false), await openGated(true)];
  assert.equal(off.localFiles().length, 2, 'the build without the feature compiles lib.rs and lock.rs only');
  const problems: string[] = [];
  for (const file of GATED_FILES) {
    const analysis = off.analyzeFile(file);
    assert.ok(analysis, `${file} has no analysis in its crate`);
    for (const p of compareWithEngine(parseFixture(readFileSync(file, 'utf8'), file), analysis))
      problems.push(`${relative(CRATES, file)}: ${p}`);
    const withFeature = on.analyzeFile(file)!;
    assert.deepEqual(analysis.types, withFeature.types, `${file}: not the verdicts of the build with the feature`);
    assert.equal(withFeature.inactive, undefined);
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(off.analyzeFile(GATED_FILES[3])!.inactive, { module: 'crate::sync', cfg: 'feature = "sync"' });
  assert.deepEqual(off.analyzeFile(GATED_FILES[4])!.inactive, { module: 'crate::channel', cfg: 'feature = "sync"' });
  assert.equal(off.analyzeFile(GATED_FILES[1])!.inactive, undefined);
  assert.ok(off.owns(GATED_FILES[3]) && off.crateOf(GATED_FILES[3]) === undefined);
});

test('crates/gated: an inactive module does not leak into the active ones', async () => {
  const project = await openGated(false);
  project.analyzeFile(GATED_FILES[3]);
  project.setText(GATED_FILES[0], `${readFileSync(GATED_FILES[0], 'utf8')}\npub struct Leak(sync::Shared);\n`);
  const leak = project.analyzeFile(GATED_FILES[0])!.types.find((t) => t.name === 'Leak')!;
  // Not `yes`, as `sync::Shared` of the inactive module would make it: this build has no `sync`.
  assert.equal(leak.send.status, 'unknown');
  assert.doesNotMatch(reasonsText(leak.send).join('\n'), /Guarded/);
});

test('crates/gated: rustc agrees with every marker (the feature on, crate flattened)', async () => {
  const source = flatten(join(CRATES, 'gated', 'src', 'lib.rs'), join(CRATES, 'gated', 'src'), true).replace(
    /#\[cfg\(feature = "sync"\)\]/g,
    '',
  );
  const fixture = parseFixture(source, 'gated');
  assert.equal(fixture.types.length, 6);
  const result = await compareWithRustc(fixture, source);
  assert.deepEqual(result.problems, [], source);
});

// ---- files no module tree reaches (crates/detached, crates/old-paths) ----

/** The analysis of each file against its markers, the files asked in the order given. */
async function detachedProblems(name: string, files: string[]): Promise<string[]> {
  const project = await openProject(name);
  const problems: string[] = [];
  for (const file of files.map((f) => join(CRATES, name, f))) {
    const analysis = project.analyzeFile(file);
    if (!analysis) problems.push(`${file}: analysed alone, not as a file of its package`);
    else
      for (const p of compareWithEngine(parseFixture(readFileSync(file, 'utf8'), file), analysis))
        problems.push(`${relative(CRATES, file)}: ${p}`);
  }
  return problems;
}

const DETACHED_FILES = ['src/lib.rs', 'tests/expand/shape.expanded.rs', 'src/other_os/mod.rs', 'src/other_os/part.rs'];

test('crates/detached: a file no target reaches sees its package library and its own modules', async () => {
  assert.deepEqual(await detachedProblems('detached', DETACHED_FILES), []);
  // Asked first, a child module is still read from the file that declares it: `super` resolves.
  assert.deepEqual(await detachedProblems('detached', [...DETACHED_FILES].reverse()), []);
});

test('crates/detached: its crate root and the modules above it are unknown, and the reason says so', async () => {
  const project = await openProject('detached');
  const types = project.analyzeFile(join(CRATES, 'detached', 'src', 'other_os', 'part.rs'))!.types;
  for (const name of ['FromRoot', 'AboveParent']) {
    const why = reasonsText(types.find((t) => t.name === name)!.send).join('\n');
    assert.match(why, /no module of this build reaches this file, so its crate and its place there are unknown/);
  }
});

test('crates/old-paths: edition 2015 paths start at the crate root, known or not', async () => {
  assert.deepEqual(await detachedProblems('old-paths', ['src/lib.rs', 'src/unix/mod.rs', 'src/other_os/mod.rs']), []);
  const project = await openProject('old-paths');
  const types = project.analyzeFile(join(CRATES, 'old-paths', 'src', 'other_os', 'mod.rs'))!.types;
  const why = reasonsText(types.find((t) => t.name === 'FromUnknownRoot')!.send).join('\n');
  // Not "comes from crate `c_int`", as a file alone reads it.
  assert.match(why, /`::c_int` names the crate root's item \(edition 2015\)/);
});

/** Lines that name what only a crate around the file would declare: they do not compile alone. */
const withoutUnseen = (text: string) => text.replace(/^.*(Unseen|::c_int,).*\n(\/\/@.*\n)?/gm, '');

test('crates/detached and crates/old-paths: rustc agrees with every marker', async () => {
  const sources = {
    // Its own `fn main` out: the oracle writes one.
    expand: flattenWithDeps(join(CRATES, 'detached', 'tests', 'expand', 'shape.expanded.rs'), {
      own_lib: join(CRATES, 'detached', 'src', 'lib.rs'),
    }).replace('fn main() {}', ''),
    otherOs: withoutUnseen(
      flatten(join(CRATES, 'detached', 'src', 'other_os', 'mod.rs'), join(CRATES, 'detached', 'src', 'other_os'), true),
    ),
    // Written for edition 2015; the oracle compiles edition 2021, where the root is `crate::`
    // and a trait object is written `dyn`.
    old: flatten(join(CRATES, 'old-paths', 'src', 'lib.rs'), join(CRATES, 'old-paths', 'src'), true)
      .replace(/(?<![\w:])::c_int/g, 'crate::c_int')
      .replace(/use Raw;/, 'use crate::Raw;')
      .replace(/Box<(\w+)>/g, 'Box<dyn $1>'),
    oldOtherOs: withoutUnseen(readFileSync(join(CRATES, 'old-paths', 'src', 'other_os', 'mod.rs'), 'utf8')),
  };
  for (const [name, source] of Object.entries(sources)) {
    const fixture = parseFixture(source, name);
    assert.ok(fixture.types.length > 0, name);
    const result = await compareWithRustc(fixture, source);
    assert.deepEqual(result.problems, [], `${name}:\n${source}`);
    assert.ok(result.questions > 0, name);
  }
});
