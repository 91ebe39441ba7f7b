// Asks rustc whether each future of a generated async program is Send: the program, plus one
// checker fn per question (`__require_send(f(args))`), compiled as a lib. A "future cannot be sent
// between threads safely" error (or E0277 from `__require_send`'s bound) on a question's line
// answers it no. One error can hide another, so the questions left standing are compiled again
// without the ones answered no, until a round compiles cleanly: that round also proves the program
// itself compiles.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkerFor, type GeneratedAsyncProgram } from './async-generate';
import {
  parseDiagnostics,
  readCache,
  resolveCacheDir,
  run,
  rustcVersion,
  RustcError,
  writeCache,
  type OracleOptions,
  type RustcDiagnostic,
} from './rustc-oracle';

export interface AsyncJudgement {
  /** Per future, per question: rustc's answer (true: the future is Send). */
  send: boolean[][];
  /** Per future, per question answered no: rustc's reason, e.g. `held across an await: Rc<u8>`. */
  causes: (string | undefined)[][];
  /** Questions answered no only in a later round: their error was hidden in the first. */
  hidden: number;
  rustcRuns: number;
  rustcMs: number;
}

type Compiled = { ok: true } | { ok: false; diagnostics: RustcDiagnostic[]; rendered: string };

async function compileLib(text: string, rustc: string): Promise<Compiled> {
  const dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-async-'));
  try {
    const src = join(dir, 'lib.rs');
    writeFileSync(src, text);
    const r = await run(rustc, [
      '--edition',
      '2021',
      '--crate-type',
      'lib',
      '--crate-name',
      'asyncgen',
      '--emit=metadata',
      '-A',
      'warnings',
      '--error-format=json',
      '-o',
      join(dir, 'lib.rmeta'),
      src,
    ]);
    if (r.code === 0) return { ok: true };
    const diagnostics = parseDiagnostics(r.stderr);
    const rendered = (diagnostics.map((d) => d.rendered).join('') || r.stderr).split(src).join('lib.rs');
    return { ok: false, diagnostics, rendered };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `std::sync::MutexGuard<'_, Vec<u8>>` -> `MutexGuard<Vec<u8>>`; `Box<(dyn Fn() + 'static)>` -> `Box<dyn Fn()>`. */
function shortType(t: string): string {
  return t
    .replace(/\b(?:std|core|alloc)::(?:[a-z_]+::)*/g, '')
    .replace(/'[a-z_]+,\s*/g, '')
    .replace(/&'[a-z_]+\s+/g, '&')
    .replace(/ \+ 'static/g, '')
    .replace(/\((dyn [^)]*\))\)/g, '$1');
}

/** Why rustc says a future is not Send: how the value is kept, and its type. */
function causeOf(d: RustcDiagnostic): string {
  const notes = d.notes.join('\n');
  const held = /has type `([^`]+)` which is not `Send`/.exec(notes);
  const missing = /the trait `(?:Send|Sync)` is not implemented for `([^`]+)`/.exec(notes);
  const type = shortType(held?.[1] ?? missing?.[1] ?? '?');
  if (notes.includes('used across an await')) return `held across an await: ${type}`;
  if (notes.includes('captured value is not `Send`')) return `captured: ${type}`;
  if (/awaits another future|used within this `async`/.test(notes)) return `inside: ${type}`;
  return `other: ${type}`;
}

/** Judges every question of `program`; throws RustcError when the program itself does not compile. */
export async function judgeAsyncProgram(
  program: GeneratedAsyncProgram,
  options: OracleOptions = {},
): Promise<AsyncJudgement> {
  const rustc = options.rustc ?? 'rustc';
  const version = await rustcVersion(rustc);
  const cacheDir = resolveCacheDir(options.cacheDir);
  const flat = program.futures.flatMap((f, fi) => f.questions.map((q, qi) => ({ fi, qi, call: q.call })));
  const no = new Map<number, string>();
  let hidden = 0;
  let rustcRuns = 0;
  let rustcMs = 0;
  let active = flat.map((_, i) => i);
  for (let round = 0; ; round++) {
    const text = checkerFor(
      program,
      active.map((i) => flat[i]),
    );
    const key = createHash('sha256').update(version).update('\0async-lib\0').update(text).digest('hex');
    let outcome = cacheDir ? readCache<Compiled>(cacheDir, key) : undefined;
    if (!outcome) {
      const started = Date.now();
      outcome = await compileLib(text, rustc);
      rustcMs += Date.now() - started;
      rustcRuns++;
      if (cacheDir) writeCache(cacheDir, key, outcome);
    }
    if (outcome.ok) break;
    const byLine = new Map<number, number>();
    text.split('\n').forEach((line, i) => {
      const m = /\/\*__async_q(\d+)\*\/$/.exec(line);
      if (m) byLine.set(i + 1, active[Number(m[1])]);
    });
    const answered = new Set<number>();
    for (const d of outcome.diagnostics) {
      if (d.level !== 'error') continue;
      if (d.primaryLines.length === 0 && /^aborting due to|^could not compile/.test(d.message)) continue;
      const qs = d.primaryLines.map((l) => byLine.get(l));
      const isSendAnswer =
        (d.code === 'E0277' || d.message.startsWith('future cannot be sent between threads safely')) &&
        d.notes.some((n) => n.includes('required by a bound in `__require_send`'));
      if (!isSendAnswer || qs.length === 0 || qs.some((q) => q === undefined)) {
        throw new RustcError(`rustc rejected the program:\n${outcome.rendered}`, outcome.rendered, text);
      }
      for (const q of qs) {
        if (!no.has(q!)) no.set(q!, causeOf(d));
        answered.add(q!);
      }
    }
    if (answered.size === 0) {
      throw new RustcError(`rustc rejected the program:\n${outcome.rendered}`, outcome.rendered, text);
    }
    if (round > 0) hidden += answered.size;
    active = active.filter((q) => !answered.has(q));
  }
  const send = program.futures.map((f) => f.questions.map(() => true));
  const causes: AsyncJudgement['causes'] = program.futures.map((f) => f.questions.map(() => undefined));
  flat.forEach((q, i) => {
    if (!no.has(i)) return;
    send[q.fi][q.qi] = false;
    causes[q.fi][q.qi] = no.get(i);
  });
  return { send, causes, hidden, rustcRuns, rustcMs };
}
