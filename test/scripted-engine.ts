// A stand-in for the analysis engine, driven by a few lines of data, so the server and the CLI
// can be tested on realistic engine output today, independently of the real engine's inference.
// It recognises `struct NAME` (verdicts from a table) and `unsafe impl Send for NAME` without a
// `SAFETY:` line above (a finding whose fix inserts the comment at the impl's indentation).
import type { Engine, FileAnalysis } from '../server/src/engine';
import type { Finding } from '../server/src/rules';
import type { TraitVerdict, TypeReport } from '../server/src/model/report';

export interface ScriptedType {
  send: TraitVerdict;
  sync: TraitVerdict;
  params?: string[];
}

export const yes: TraitVerdict = { status: 'yes', requires: [], source: 'auto', reasons: [] };
/** A `no` whose reasons read as the given sentences (chains with no fields, only a leaf). */
export function no(...reasons: string[]): TraitVerdict {
  return { status: 'no', requires: [], source: 'auto', reasons: reasons.map((leaf) => ({ steps: [], leaf })) };
}

export function createScriptedEngine(table: Record<string, ScriptedType>, calls = { count: 0 }): Engine {
  return {
    analyze(text: string): FileAnalysis {
      calls.count++;
      const lines = text.split('\n');
      const types: TypeReport[] = [];
      const findings: Finding[] = [];
      lines.forEach((line, index) => {
        const struct = /\bstruct\s+(\w+)/.exec(line);
        if (struct !== null && table[struct[1]] !== undefined) {
          const name = struct[1];
          const start = struct.index + struct[0].length - name.length;
          const row = table[name];
          types.push({
            name,
            path: name,
            kind: 'struct',
            nameRange: {
              start: { line: index, character: start },
              end: { line: index, character: start + name.length },
            },
            range: { start: { line: index, character: 0 }, end: { line: index, character: line.length } },
            params: row.params ?? [],
            send: row.send,
            sync: row.sync,
          });
        }
        const impl = /^(\s*)unsafe impl (Send|Sync) for (\w+)/.exec(line);
        if (impl !== null && !/SAFETY:/i.test(lines[index - 1] ?? '')) {
          const indent = impl[1];
          findings.push({
            code: 'missing-safety-comment',
            message: `\`unsafe impl ${impl[2]} for ${impl[3]}\` has no SAFETY comment`,
            range: { start: { line: index, character: indent.length }, end: { line: index, character: line.length } },
            typePath: impl[3],
            fixes: [
              {
                title: 'Add a `// SAFETY:` comment',
                insertions: [
                  {
                    position: { line: index, character: 0 },
                    text: `${indent}// SAFETY: \n`,
                    snippet: `${indent}// SAFETY: \${0:why ${impl[3]} is ${impl[2]}}\n`,
                  },
                ],
              },
            ],
          });
        }
      });
      return { types, findings, syntaxErrors: text.includes('<\n') || text.endsWith('<') ? 1 : 0 };
    },
  };
}
