// `npm run differential -- --programs 1000 --seed 7 [--jobs 2] [--show 5] [--budget 60]`:
// generates programs, checks the engine against rustc on each, prints agree / disagree / unknown
// counts and the first disagreements shrunk to small programs. Exit 1 on any disagreement or on a
// generated program that rustc rejects (a generator bug).
import { availableParallelism } from 'node:os';
import { createEngine } from '../../server/src/engine';
import { checkProgram, shrinkDisagreement, type Disagreement } from './differential';
import { generateProgram } from './generate';
import { findWasmDir } from './rust-items';
import { RustcError } from './rustc-oracle';
import { integerOption } from './cli-options';

const option = integerOption;

async function main(): Promise<void> {
  const programs = option('programs', 200);
  const seed = option('seed', 1);
  const jobs = Math.max(1, option('jobs', availableParallelism()));
  const show = option('show', 5);
  const budget = option('budget', 60);
  const engine = await createEngine({ wasmDir: findWasmDir() });

  const totals = { agree: 0, disagree: 0, unknown: 0, questions: 0, rustcMs: 0 };
  const disagreements: { d: Disagreement; seed: number }[] = [];
  const generatorFailures: { seed: number; message: string }[] = [];
  const started = Date.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < programs) {
      const s = seed + next++;
      const program = generateProgram(s);
      try {
        const out = await checkProgram(engine, program);
        totals.agree += out.agree;
        totals.disagree += out.disagree;
        totals.unknown += out.unknown;
        totals.questions += out.questions;
        totals.rustcMs += out.rustcMs;
        for (const d of out.disagreements) disagreements.push({ d, seed: s });
      } catch (e) {
        if (!(e instanceof RustcError)) throw e;
        generatorFailures.push({ seed: s, message: e.message });
      }
      if (++done % 50 === 0)
        process.stderr.write(`${done}/${programs} programs, ${disagreements.length} disagreements\n`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));

  const verdicts = totals.agree + totals.disagree + totals.unknown;
  console.log(
    `programs: ${programs} (seeds ${seed}..${seed + programs - 1}), ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(
    `verdicts (type x trait): ${verdicts}: agree ${totals.agree}, disagree ${totals.disagree}, unknown ${totals.unknown}`,
  );
  console.log(`rustc questions: ${totals.questions}, rustc time: ${(totals.rustcMs / 1000).toFixed(1)} s`);
  if (generatorFailures.length) {
    console.log(`\ngenerated programs rustc rejected (generator bugs): ${generatorFailures.length}`);
    for (const f of generatorFailures.slice(0, 3)) console.log(`seed ${f.seed}:\n${f.message}`);
  }
  disagreements.sort((a, b) => a.seed - b.seed);
  for (const { d, seed: s } of disagreements.slice(0, show)) {
    const small = await shrinkDisagreement(engine, generateProgram(s), d, budget);
    console.log(
      `\n--- seed ${s}: \`${small.path}\` ${small.trait}: engine says ${small.engine}` +
        (small.typeExpr ? `; rustc says ${small.rustc ? 'yes' : 'no'} for \`${small.typeExpr}\`` : ''),
    );
    console.log(small.source);
  }
  process.exitCode = disagreements.length || generatorFailures.length ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
