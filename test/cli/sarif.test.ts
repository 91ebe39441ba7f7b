// `check --format sarif` against the official SARIF 2.1.0 schema and the URI rules GitHub code
// scanning enforces (test/sarif/validate.ts), on the bundled examples, the test fixtures and,
// when present, real crates; and the fingerprint that lets code scanning follow an alert.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { findCorpus, findCrate } from '../corpus';
import { sarifProblems } from '../sarif/validate';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
/** Where Debian's librust-*-dev packages unpack crate sources, one folder per crate. */
const DEBIAN_CRATES = '/usr/share/cargo/registry';
const CORPUS_CRATES = ['tokio', 'crossbeam-utils', 'hashbrown', 'lock_api'];

interface SarifLog {
  runs: {
    originalUriBaseIds?: Record<string, { uri: string }>;
    tool: { driver: { rules: { id: string; name: string; help: { text: string; markdown: string } }[] } };
    results: {
      ruleId: string;
      partialFingerprints: Record<string, string>;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  }[];
}

function sarif(args: string[], cwd: string): SarifLog {
  const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'sarif', ...args], { cwd, encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SarifLog;
}

const dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-sarif-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the validator rejects what GitHub would: a bare absolute path, an unknown level', () => {
  const log = sarif(['examples'], ROOT);
  assert.deepEqual(sarifProblems(log), []);
  const broken = JSON.parse(JSON.stringify(log)) as SarifLog & { runs: { results: { level: string }[] }[] };
  broken.runs[0].results[0].locations[0].physicalLocation.artifactLocation = { uri: '/abs/src/lib.rs' };
  broken.runs[0].results[0].level = 'fatal';
  const problems = sarifProblems(broken);
  assert.ok(
    problems.some((p) => p.includes('starts with /')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.includes('level must be equal to one of the allowed values')),
    problems.join('\n'),
  );
});

test('the examples and the test fixtures give valid SARIF with findings in it', () => {
  for (const path of ['examples', join('test', 'fixtures')]) {
    const log = sarif([path], ROOT);
    assert.ok(log.runs[0].results.length > 0, `${path} has findings`);
    assert.deepEqual(sarifProblems(log), [], path);
  }
});

test('rules have a PascalCase name apart from the id, and help in text and markdown', () => {
  const { rules } = sarif(['examples'], ROOT).runs[0].tool.driver;
  const bound = rules.find((r) => r.id === 'missing-bound');
  assert.equal(bound?.name, 'MissingBound');
  for (const rule of rules) {
    assert.match(rule.name, /^[A-Z][a-zA-Z]+$/);
    assert.ok(rule.help.markdown.includes(`(https://`) && rule.help.markdown.includes(`#${rule.id})`), rule.id);
  }
});

test('paths inside the working directory are relative to %SRCROOT%; others are file:// URIs', () => {
  mkdirSync(join(dir, 'inside', 'src'), { recursive: true });
  mkdirSync(join(dir, 'outside', 'src'), { recursive: true });
  writeFileSync(join(dir, 'inside', 'src', 'lib.rs'), 'pub struct P(*const u8);\nunsafe impl Send for P {}\n');
  writeFileSync(join(dir, 'outside', 'src', 'a b.rs'), 'pub struct Q(*const u8);\nunsafe impl Send for Q {}\n');
  const cwd = join(dir, 'inside');
  const log = sarif([join(cwd, 'src'), join(dir, 'outside')], cwd);
  assert.deepEqual(sarifProblems(log), []);
  assert.equal(log.runs[0].originalUriBaseIds?.['%SRCROOT%'].uri, `${pathToFileURL(cwd).href}/`);
  const uris = log.runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation);
  assert.deepEqual(uris, [
    { uri: 'src/lib.rs', uriBaseId: '%SRCROOT%' },
    { uri: pathToFileURL(join(dir, 'outside', 'src', 'a b.rs')).href },
  ]);
  // None inside the working directory: relative to the files' common folder.
  writeFileSync(join(dir, 'outside', 'b.rs'), 'pub struct R(*const u8);\nunsafe impl Send for R {}\n');
  const elsewhere = sarif([join(dir, 'outside')], cwd);
  assert.deepEqual(sarifProblems(elsewhere), []);
  assert.equal(elsewhere.runs[0].originalUriBaseIds?.['%SRCROOT%'].uri, `${pathToFileURL(join(dir, 'outside')).href}/`);
  assert.deepEqual(elsewhere.runs[0].results[1].locations[0].physicalLocation.artifactLocation, {
    uri: 'src/a%20b.rs',
    uriBaseId: '%SRCROOT%',
  });
});

test('the fingerprint survives lines inserted above and changes when the impl does', () => {
  const source = [
    'use std::cell::Cell;',
    'pub struct W<T>(*mut T, Cell<u8>);',
    'unsafe impl<T> Send for W<T> {}',
    'pub struct V(*mut u8);',
    'unsafe impl Send for V {}',
    '',
  ].join('\n');
  const fingerprints = (text: string) => {
    writeFileSync(join(dir, 'fp.rs'), text);
    return sarif(['fp.rs'], dir).runs[0].results.map((r) => `${r.ruleId} ${r.partialFingerprints['rustSendSync/v1']}`);
  };
  const before = fingerprints(source);
  assert.equal(before.length, 2, before.join('\n'));
  assert.equal(new Set(before).size, 2, 'two impls, two fingerprints');
  const moved = fingerprints(
    `// a comment\n\nfn unrelated() {}\n${source.replace('unsafe impl<T> Send', 'unsafe  impl<T>  Send')}`,
  );
  assert.deepEqual(moved, before, 'lines above and spacing do not matter');
  const changed = fingerprints(source.replace('unsafe impl<T> Send for W<T>', 'unsafe impl<T: Copy> Send for W<T>'));
  assert.notEqual(changed[0], before[0], 'a new bound is a new impl');
  assert.equal(changed[1], before[1], 'the other impl keeps its fingerprint');
});

test('the corpus crates give valid SARIF', (t) => {
  const corpus = findCorpus();
  const root = corpus.kind === 'found' ? corpus.root : existsSync(DEBIAN_CRATES) ? DEBIAN_CRATES : undefined;
  if (root === undefined) {
    t.skip(corpus.kind === 'absent' ? `${corpus.why}; nor ${DEBIAN_CRATES}` : 'no corpus');
    return;
  }
  const crates = CORPUS_CRATES.flatMap((name) => findCrate(root, name) ?? []);
  if (crates.length === 0) {
    t.skip(`none of ${CORPUS_CRATES.join(', ')} in ${root}`);
    return;
  }
  for (const crate of crates) {
    const log = sarif([crate], dir);
    assert.deepEqual(sarifProblems(log).slice(0, 5), [], crate);
    t.diagnostic(`${crate}: ${log.runs[0].results.length} results, valid`);
  }
});
