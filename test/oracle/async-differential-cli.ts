// `npm run differential:async -- --programs 1000 --seed 1 [--jobs 2] [--batch 50] [--show 5]
// [--judge-only] [--json FILE]`: generates async programs, has rustc judge every future, and
// compares the built CLI's `futures` verdicts with rustc (right / wrong / unknown / missing).
// `--judge-only` skips the CLI and reports rustc's ground truth: Send vs !Send futures, by cause,
// and where rustc and a reading of scopes part. Exit 1 on a wrong verdict, on a generated program
// that rustc rejects (a generator bug), or when the CLI output has no `futures` array.
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  cliFutures,
  compareProgram,
  groundTruth,
  NoFuturesError,
  type CliFuture,
  type FutureComparison,
} from './async-differential';
import { generateAsyncProgram, type GeneratedAsyncProgram } from './async-generate';
import { judgeAsyncProgram, type AsyncJudgement } from './async-oracle';
import { REPO_ROOT } from './rust-items';
import { RustcError } from './rustc-oracle';
import { integerOption } from './cli-options';

const option = integerOption;

const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

function table(title: string, map: Map<string, number>, limit = 20): void {
  console.log(`\n${title}`);
  const rows = [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [k, n] of rows.slice(0, limit)) console.log(`  ${String(n).padStart(6)}  ${k}`);
  if (rows.length > limit) console.log(`  ... ${rows.length - limit} more`);
}

/** `borrow-drop Rc` -> `borrow-drop`; `drop parameter Rc` -> `drop parameter`. */
function stepKind(step: string): string {
  return /^(?:drop (?:generic )?parameter|parameter)|^\S+/.exec(step)![0];
}

/** The source lines of a generated fn: from its header to the first `}` in column 1. */
function fnSource(program: GeneratedAsyncProgram, line: number): string {
  const lines = program.source.split('\n');
  let start = line - 1;
  while (start > 0 && !lines[start].startsWith('pub ')) start--;
  let end = start;
  while (end < lines.length && lines[end] !== '}' && !lines[end].endsWith('{}')) end++;
  return lines.slice(start, end + 1).join('\n');
}

async function main(): Promise<void> {
  const programs = option('programs', 200);
  const seed = option('seed', 1);
  const jobs = Math.max(1, option('jobs', Math.min(2, availableParallelism())));
  const batch = Math.max(1, option('batch', 50));
  const show = option('show', 5);
  const judgeOnly = process.argv.includes('--judge-only');
  const jsonAt = process.argv.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? process.argv[jsonAt + 1] : undefined;

  if (!judgeOnly) {
    if (!existsSync(join(REPO_ROOT, 'dist', 'cli.js'))) {
      process.stderr.write('dist/cli.js is missing: run `npm run build` first\n');
      process.exit(2);
    }
    try {
      cliFutures([generateAsyncProgram(seed)]);
    } catch (e) {
      if (!(e instanceof NoFuturesError)) throw e;
      process.stderr.write(`${e.message}.\nNothing to compare; \`--judge-only\` runs the generator and rustc alone.\n`);
      process.exit(1);
    }
  }

  const started = Date.now();
  const truth = { futures: 0, questions: 0, rustcRuns: 0, rustcMs: 0, hidden: 0, cliMs: 0 };
  const byKind = new Map<string, number>();
  const causes = new Map<string, number>();
  const stricter = new Map<string, number>();
  const laxer = new Map<string, number>();
  const treatments = new Map<string, number>();
  const examples = new Map<string, string>();
  const generatorFailures: { seed: number; message: string }[] = [];
  const comparisons: FutureComparison[] = [];
  const records: object[] = [];
  const kept = new Map<number, GeneratedAsyncProgram>();

  for (let first = 0; first < programs; first += batch) {
    const group = Array.from({ length: Math.min(batch, programs - first) }, (_, i) =>
      generateAsyncProgram(seed + first + i),
    );
    const judged = new Map<number, AsyncJudgement>();
    let next = 0;
    const worker = async () => {
      while (next < group.length) {
        const p = group[next++];
        try {
          judged.set(p.seed, await judgeAsyncProgram(p));
        } catch (e) {
          if (!(e instanceof RustcError)) throw e;
          generatorFailures.push({ seed: p.seed, message: e.message });
        }
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    let entries: Map<number, CliFuture[]> | undefined;
    if (!judgeOnly) {
      const t = Date.now();
      entries = cliFutures(group.filter((p) => judged.has(p.seed)));
      truth.cliMs += Date.now() - t;
    }

    for (const p of group) {
      const j = judged.get(p.seed);
      if (!j) continue;
      truth.rustcRuns += j.rustcRuns;
      truth.rustcMs += j.rustcMs;
      truth.hidden += j.hidden;
      const compared = entries ? compareProgram(p, j, entries.get(p.seed) ?? []) : [];
      comparisons.push(...compared);
      if (compared.some((c) => c.outcome === 'wrong' || c.outcome === 'missing')) kept.set(p.seed, p);
      p.futures.forEach((f, fi) => {
        const answers = j.send[fi];
        truth.futures++;
        truth.questions += answers.length;
        const verdict = groundTruth(f, answers);
        const status = verdict.startsWith('if') ? 'conditional' : verdict;
        count(
          byKind,
          `${f.kind}${f.typeParam ? ' (generic)' : ''}: ${status === 'yes' ? 'Send' : status === 'no' ? '!Send' : verdict}`,
        );
        const cause = j.causes[fi].find((c) => c !== undefined);
        if (cause) count(causes, cause);
        // Where rustc and scopes part: the future's own steps decide (what it awaits is taken as rustc says).
        answers.forEach((send, qi) => {
          const scope = f.scopeSend[qi] && f.awaits.every((a) => j.send[a.future][a.question]);
          if (scope === send) return;
          const steps = send ? f.holders : f.suspects;
          const key = steps.length === 1 ? steps[0] : `(${steps.length} steps) ${steps.join(' + ')}`;
          const map = send ? laxer : stricter;
          count(map, key);
          if (steps.length === 1) count(treatments, `${send ? 'Send' : '!Send'} by rustc: ${stepKind(steps[0])}`);
          if (!examples.has(key)) examples.set(key, `seed ${p.seed} ${f.name}`);
        });
        records.push({
          seed: p.seed,
          name: f.name,
          kind: f.kind,
          line: f.line,
          rustc: verdict,
          cause,
          ...(compared[fi] ? { engine: compared[fi].engine, outcome: compared[fi].outcome } : {}),
        });
      });
    }
    process.stderr.write(`${Math.min(first + batch, programs)}/${programs} programs\n`);
  }

  console.log(
    `programs: ${programs} (seeds ${seed}..${seed + programs - 1}), ${((Date.now() - started) / 1000).toFixed(1)} s` +
      ` (rustc ${(truth.rustcMs / 1000).toFixed(1)} s in ${truth.rustcRuns} runs` +
      (judgeOnly ? ')' : `, CLI ${(truth.cliMs / 1000).toFixed(1)} s)`),
  );
  const send = records.filter((r) => (r as { rustc: string }).rustc === 'yes').length;
  const notSend = records.filter((r) => (r as { rustc: string }).rustc === 'no').length;
  console.log(
    `futures: ${truth.futures} (${truth.questions} rustc questions): Send ${send}, !Send ${notSend}, ` +
      `conditional ${truth.futures - send - notSend}; answers hidden by other errors in a first round: ${truth.hidden}`,
  );
  table('by kind (rustc):', byKind);
  table('!Send futures by cause (rustc, its first reason):', causes);
  table('rustc says !Send where scopes say Send (the steps holding a !Send value scopes call gone):', stricter, 40);
  table('rustc says Send where scopes say !Send (the steps holding a !Send value in scope):', laxer, 40);
  table('the same, where one step decides, by what the step does:', treatments);
  if (examples.size) {
    console.log('\nexamples:');
    for (const [k, e] of [...examples].slice(0, 40)) console.log(`  ${e}: ${k}`);
  }

  if (generatorFailures.length) {
    console.log(`\ngenerated programs rustc rejected (generator bugs): ${generatorFailures.length}`);
    for (const f of generatorFailures.slice(0, 3)) console.log(`seed ${f.seed}:\n${f.message}`);
  }

  let wrong = 0;
  if (!judgeOnly) {
    const n = (o: string) => comparisons.filter((c) => c.outcome === o).length;
    const right = n('right');
    wrong = n('wrong');
    const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) : '-');
    console.log(
      `\nCLI vs rustc, futures: ${comparisons.length}: right ${right} (${pct(right, comparisons.length)}%), ` +
        `wrong ${wrong}, unknown ${n('unknown')}, missing ${n('missing')}; ` +
        `right where the CLI answers: ${pct(right, right + wrong)}% (target: >= 99% right, 0 wrong)`,
    );
    for (const c of comparisons.filter((x) => x.outcome === 'wrong' || x.outcome === 'missing').slice(0, show)) {
      const p = kept.get(c.seed)!;
      console.log(
        `\n--- seed ${c.seed}: ${c.future.kind} \`${c.future.name}\` (line ${c.future.line}): ${c.outcome}` +
          (c.engine ? `; CLI says ${c.engine}` : '') +
          (c.call ? `; rustc says ${c.rustc ? 'Send' : '!Send'} for \`${c.call}\`` : ''),
      );
      console.log(fnSource(p, c.future.line));
    }
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ programs, seed, futures: records }, null, 1)}\n`);
  process.exitCode = wrong || generatorFailures.length ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
