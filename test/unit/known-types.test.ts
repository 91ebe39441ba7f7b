// Re-checks every row of the std table (server/src/model/known-types.ts) with rustc, in one
// program: each row's `sample` with `$T` set to each of the four probes, and the row's rule
// evaluated on the arguments the sample really passes (a `fn() -> $T` argument is asked too).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderAtom } from '../../server/src/model/conditions';
import { KNOWN_TYPES, PRIMITIVES, type AutoRule, type HandRow } from '../../server/src/model/known-types';
import { askRustc, PROBES, type AutoTraitName, type OracleQuestion, type Probe } from '../oracle/rustc-oracle';

/** The top-level generic arguments of `path<...>` (lifetimes included), or [] without `<`. */
function genericArgs(sample: string): string[] {
  const open = sample.indexOf('<');
  if (open < 0) return [];
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < sample.length; i++) {
    const c = sample[i];
    if (c === '<' || c === '(' || c === '[') depth++;
    else if ((c === '>' && sample[i - 1] !== '-') || c === ')' || c === ']') {
      if (depth === 0) {
        args.push(sample.slice(start, i).trim());
        break;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(sample.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

const fill = (text: string, probe: Probe) => text.replace(/\$[A-Z]/g, probe.name);

interface Case {
  row: HandRow;
  /** The path the sample is written with (the row's own path, or one of its aliases). */
  path: string;
  probe: Probe;
  /** Indices of the questions: the sample, then each parameter's argument (undefined: a bare probe). */
  sample: Record<AutoTraitName, number>;
  params: { name: string; arg: string; asked?: Record<AutoTraitName, number> }[];
}

const questions: OracleQuestion[] = [];
const ask = (typeExpr: string): Record<AutoTraitName, number> => {
  const at = questions.length;
  questions.push({ typeExpr, trait: 'Send' }, { typeExpr, trait: 'Sync' });
  return { Send: at, Sync: at + 1 };
};

const cases: Case[] = [];
for (const row of KNOWN_TYPES) {
  const spellings = [row.path, ...(row.aliases ?? [])];
  for (const path of spellings) {
    const sampleText = path === row.path ? row.sample : row.sample.replace(row.path, path);
    const typeArgs = genericArgs(sampleText).filter((a) => !a.startsWith("'"));
    for (const probe of PROBES) {
      if (!row.sample.includes('$') && probe !== PROBES[0]) continue;
      const params = row.params.map((name, i) => {
        const arg = typeArgs[i];
        // A bare `$T` is a probe, whose traits are known; anything else is asked as well.
        return {
          name,
          arg: arg ?? '(default)',
          asked: arg && !/^\$[A-Z]$/.test(arg) ? ask(fill(arg, probe)) : undefined,
        };
      });
      cases.push({ row, path, probe, sample: ask(fill(sampleText, probe)), params });
    }
  }
}
const primitives = [...PRIMITIVES].map((p) => ({ name: p, asked: ask(p) }));

const answers = askRustc('', questions).then((r) => r.answers);
answers.catch(() => undefined); // reported by the tests that await it

function expected(rule: AutoRule, traitsOf: (param: string) => { send: boolean; sync: boolean }): boolean {
  if (rule === 'yes') return true;
  if (rule === 'no') return false;
  return rule.every((atom) => {
    const t = traitsOf(atom.param);
    return atom.trait === 'Send' ? t.send : t.sync;
  });
}

test('the table has rows and every row has a sample', () => {
  assert.ok(KNOWN_TYPES.length > 50);
  for (const row of KNOWN_TYPES)
    assert.ok(row.sample.startsWith(row.path), `${row.path}: sample \`${row.sample}\` does not name the row's path`);
});

describe('KNOWN_TYPES rows agree with rustc', () => {
  const rows = new Map<string, Case[]>();
  for (const c of cases) rows.set(c.row.path, [...(rows.get(c.row.path) ?? []), c]);
  for (const [path, rowCases] of rows) {
    test(path, async () => {
      const a = await answers;
      const problems: string[] = [];
      for (const c of rowCases) {
        const at = (i: number) => {
          const v = a[i];
          if (v === null) throw new Error(`rustc rejects \`${questions[i].typeExpr}\``);
          return v;
        };
        const traitsOf = (param: string) => {
          const p = c.params.find((x) => x.name === param);
          if (!p) throw new Error(`${path}: rule names \`${param}\`, not one of its params ${c.row.params.join(', ')}`);
          if (!p.asked)
            return p.arg === '(default)' ? { send: true, sync: true } : { send: c.probe.send, sync: c.probe.sync };
          return { send: at(p.asked.Send), sync: at(p.asked.Sync) };
        };
        for (const trait of ['Send', 'Sync'] as const) {
          const rule = trait === 'Send' ? c.row.send : c.row.sync;
          const want = expected(rule, traitsOf);
          const got = at(c.sample[trait]);
          if (want !== got) {
            const ruleText = typeof rule === 'string' ? rule : rule.map(renderAtom).join(' + ');
            problems.push(
              `${trait} of \`${questions[c.sample[trait]].typeExpr}\` (written \`${c.path}\`): the row says ${ruleText} => ${want ? 'yes' : 'no'}, rustc says ${got ? 'yes' : 'no'}`,
            );
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});

test('PRIMITIVES are all Send and Sync per rustc', async () => {
  const a = await answers;
  const wrong = primitives.filter((p) => a[p.asked.Send] !== true || a[p.asked.Sync] !== true).map((p) => p.name);
  assert.deepEqual(wrong, []);
});
