// The differential test at a fixed small seed: a few generated programs, each one rustc run with
// many questions. The generator side (programs compile, rustc answers) and the engine side (every
// non-unknown verdict equals rustc's answer) are separate tests. `npm run differential` runs more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { checkProgram, type ProgramOutcome } from '../oracle/differential';
import { generateProgram } from '../oracle/generate';
import { instantiationsFor, planQuestions } from '../oracle/instantiate';
import { findWasmDir } from '../oracle/rust-items';
import { askRustc } from '../oracle/rustc-oracle';

const SEED = 20250611;
const PROGRAMS = 6;

const programs = Array.from({ length: PROGRAMS }, (_, i) => generateProgram(SEED + i));

test('the generator is deterministic for a seed', () => {
  assert.equal(generateProgram(SEED).source, programs[0].source);
  assert.notEqual(generateProgram(SEED + 1).source, programs[0].source);
});

test('generated programs compile and rustc answers questions about every type', async () => {
  await Promise.all(
    programs.map(async (p) => {
      const questions = p.decls.flatMap((d) => planQuestions(d, instantiationsFor(d))).map((q) => q.question);
      const r = await askRustc(p.source, questions);
      assert.ok(questions.length > 0);
      // At least the all-Send+Sync instantiation of each type exists.
      assert.ok(
        r.answers.some((a) => a !== null),
        `seed ${p.model.seed}: rustc rejected every question`,
      );
    }),
  );
});

test('the engine agrees with rustc on every generated type', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir() });
  const outcomes: ProgramOutcome[] = await Promise.all(programs.map((p) => checkProgram(engine, p)));
  const agree = outcomes.reduce((n, o) => n + o.agree, 0);
  const unknown = outcomes.reduce((n, o) => n + o.unknown, 0);
  const problems = outcomes
    .flatMap((o) => o.disagreements)
    .map(
      (d) =>
        `seed ${d.seed}: \`${d.path}\` ${d.trait}: engine ${d.engine}${d.typeExpr ? `, rustc says ${d.rustc ? 'yes' : 'no'} for \`${d.typeExpr}\`` : ''}`,
    );
  assert.deepEqual(problems, [], `agree ${agree}, unknown ${unknown}`);
  assert.ok(agree > 0, 'nothing was compared');
});
