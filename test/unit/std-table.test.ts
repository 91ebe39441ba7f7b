// The generated std table (server/src/model/std-table.json): up to date with its generator when
// the toolchain's docs are installed, every sampled row re-checked with rustc (each parameter set
// to each probe in turn; about a second), and the hand rows of known-types.ts agreeing with the
// generated rows of the same types, parameter by parameter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderAtom } from '../../server/src/model/conditions';
import { KNOWN_TYPES, lookupKnownType, stdOmission, type AutoRule } from '../../server/src/model/known-types';
import {
  generateStdTable,
  normalizeStdPath,
  renderStdTable,
  STD_TABLE_FILE,
  regenerable,
  type GeneratedTable,
} from '../oracle/std-table';
import { checkRows, sampledRows } from '../oracle/std-table-check';

const table = JSON.parse(readFileSync(STD_TABLE_FILE, 'utf8')) as GeneratedTable;

test('std-table.json is what the generator makes of the installed docs', (t) => {
  const given = regenerable(table.toolchain);
  if ('skip' in given) {
    t.skip(given.skip);
    return;
  }
  const { docs, version } = given;
  assert.ok(
    renderStdTable(generateStdTable(docs, version)) === readFileSync(STD_TABLE_FILE, 'utf8'),
    'run npm run gen:std-table',
  );
});

test('every sampled generated row agrees with rustc', async () => {
  const rows = sampledRows(table);
  assert.ok(rows.length > 300, `only ${rows.length} rows have a sample`);
  assert.deepEqual(await checkRows(rows), []);
});

/** A rule over the hand row's parameter names; atoms on parameters the hand row leaves out (an
 * allocator, a hasher) must be of the same trait, which is how the engine asks extra arguments. */
function renamed(
  rule: AutoRule | GeneratedTable['rows'][number]['send'],
  from: readonly string[],
  to: readonly string[],
  trait: string,
) {
  if (typeof rule === 'string') return { rule, extraOk: true };
  let extraOk = true;
  const atoms = rule
    .map((a) => (typeof a === 'string' ? a : renderAtom(a)))
    .flatMap((a) => {
      const [param, tr] = a.split(': ');
      const i = from.indexOf(param);
      if (i < to.length) return [`${to[i]}: ${tr}`];
      if (tr !== trait) extraOk = false;
      return [];
    })
    .sort();
  return { rule: atoms.length ? atoms.join(' + ') : 'yes', extraOk };
}

test('hand rows and generated rows agree where both exist', () => {
  const generated = new Map<string, GeneratedTable['rows'][number]>();
  for (const r of table.rows) for (const p of [r.path, ...(r.aliases ?? [])]) generated.set(normalizeStdPath(p), r);
  const problems: string[] = [];
  let compared = 0;
  for (const hand of KNOWN_TYPES) {
    const g = [hand.path, ...(hand.aliases ?? [])].map((p) => generated.get(normalizeStdPath(p))).find(Boolean);
    if (!g) continue;
    compared++;
    for (const trait of ['Send', 'Sync'] as const) {
      const h = renamed(trait === 'Send' ? hand.send : hand.sync, hand.params, hand.params, trait);
      const d = renamed(trait === 'Send' ? g.send : g.sync, g.params, hand.params, trait);
      if (h.rule !== d.rule || !d.extraOk)
        problems.push(`${hand.path} ${trait}: the hand row says ${h.rule}, the docs (${g.path}) say ${d.rule}`);
    }
  }
  assert.ok(compared > 100, `only ${compared} hand rows have a generated row`);
  assert.deepEqual(problems, []);
});

test('generated rows are reachable by every spelling; omitted types say why', () => {
  for (const path of [
    'std::iter::Enumerate',
    'core::iter::Enumerate',
    'std::iter::Chain',
    'std::vec::Drain',
    'alloc::vec::Drain',
    'std::io::IoSlice',
    'std::io::IoSliceMut',
    'std::os::unix::io::RawFd',
    'std::os::fd::RawFd',
    'std::path::Path',
    'std::collections::hash_map::Iter',
    'std::collections::VecDeque',
    'std::collections::vec_deque::VecDeque',
  ])
    assert.ok(lookupKnownType(path), path);
  assert.equal(lookupKnownType('std::vec::Vec')?.why, '`Vec<T>` owns its elements', 'the hand row wins');
  assert.match(stdOmission('std::borrow::Cow') ?? '', /ToOwned>::Owned: Send/);
  assert.equal(lookupKnownType('std::borrow::Cow'), undefined);
});
