// Checks generated std-table rows (std-table.ts) with rustc: each row's sample is asked with every
// parameter set to `__ProbeSendSync`, then with one parameter at a time set to each other probe,
// so that each atom of the rule (`T: Send`) is seen to matter and no missing atom goes unseen.
import type { GeneratedRow, GeneratedTable } from './std-table';
import { askRustc, PROBES, type OracleQuestion, type Probe } from './rustc-oracle';

type Rule = GeneratedRow['send'];

/** The rows rustc can be asked about: those with a sample. */
export function sampledRows(table: GeneratedTable): GeneratedRow[] {
  return table.rows.filter((r) => r.sample !== undefined);
}

function holds(rule: Rule, probeOf: (param: string) => Probe): boolean {
  if (rule === 'yes') return true;
  if (rule === 'no') return false;
  return rule.every((atom) => {
    const [param, trait] = atom.split(': ');
    return trait === 'Send' ? probeOf(param).send : probeOf(param).sync;
  });
}

/** Every disagreement between the rows and rustc, as sentences; [] when they all agree. */
export async function checkRows(rows: readonly GeneratedRow[]): Promise<string[]> {
  const full = PROBES[0];
  const questions: OracleQuestion[] = [];
  const cases: { row: GeneratedRow; probes: Probe[]; at: number }[] = [];
  for (const row of rows) {
    const settings: Probe[][] = [row.params.map(() => full)];
    // A parameter the sample leaves out takes its default, Send and Sync like `__ProbeSendSync`.
    row.params.forEach((_, i) => {
      if (!row.sample!.includes(`$${i}`)) return;
      for (const p of PROBES.slice(1)) settings.push(row.params.map((__, j) => (j === i ? p : full)));
    });
    for (const probes of settings) {
      const typeExpr = row.sample!.replace(/\$(\d+)/g, (_m, i: string) => probes[Number(i)].name);
      cases.push({ row, probes, at: questions.length });
      questions.push({ typeExpr, trait: 'Send' }, { typeExpr, trait: 'Sync' });
    }
  }
  // proc_macro is not in a plain crate's extern prelude: it is named once for its rows.
  const { answers } = await askRustc('extern crate proc_macro;\n', questions);
  const problems: string[] = [];
  for (const c of cases) {
    const probeOf = (param: string) => c.probes[c.row.params.indexOf(param)];
    for (const [k, trait] of (['Send', 'Sync'] as const).entries()) {
      const got = answers[c.at + k];
      const rule = trait === 'Send' ? c.row.send : c.row.sync;
      if (got === null) {
        problems.push(`${trait} of \`${questions[c.at + k].typeExpr}\`: rustc rejects the type`);
        continue;
      }
      const want = holds(rule, probeOf);
      if (want !== got)
        problems.push(
          `${trait} of \`${questions[c.at + k].typeExpr}\`: the row says ${typeof rule === 'string' ? rule : rule.join(' + ')} => ${want ? 'yes' : 'no'}, rustc says ${got ? 'yes' : 'no'}`,
        );
    }
  }
  return problems;
}
