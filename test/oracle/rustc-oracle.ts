// Asks the real compiler whether types are Send/Sync: one generated program answers a whole batch.
// The program is the user's crate, plus a checker whose inherent `IS_SEND`/`IS_SYNC` consts (that
// exist only when `T: Send`/`T: Sync`) shadow a trait's default `false`, plus a `main` printing
// every answer. Questions about private items are asked from inside their own module.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRustItems } from './rust-items';

export type AutoTraitName = 'Send' | 'Sync';

export interface OracleQuestion {
  /** A type as written in `module`, e.g. `a::Foo<__ProbeSendOnly, u8>`. */
  typeExpr: string;
  trait: AutoTraitName;
  /** Inline module path (`a::b`) the question is asked from; the crate root when absent. */
  module?: string;
}

/**
 * `true`/`false`: the compiler's verdict. `null`: rustc rejected the type itself because an
 * argument breaks one of its declared bounds (E0277 on the question), e.g. `X<Neither>` for
 * `struct X<T: Send>`; such an instantiation does not exist, so it has no verdict.
 */
export type OracleAnswer = boolean | null;

export interface OracleResult {
  answers: OracleAnswer[];
  /** rustc's message for each question answered `null`. */
  rejections: Map<number, string>;
  /** Wall time spent in rustc and the program (0 when answered from the cache). */
  rustcMs: number;
  rustcRuns: number;
  fromCache: boolean;
}

export interface OracleOptions {
  /** Cache folder; `false` disables. Default: a folder in the OS temp dir, unless
   * RUST_SEND_SYNC_ORACLE_CACHE=0. Keys hash the rustc version and the whole program. */
  cacheDir?: string | false;
  rustc?: string;
  /** Run rustc with RUSTC_BOOTSTRAP=1, so `#![feature(...)]` works on a stable toolchain. */
  unstable?: boolean;
}

/** The four probe types: every combination of Send and Sync, from `*const ()` and unsafe impls. */
export const PROBES = [
  { name: '__ProbeSendSync', send: true, sync: true },
  { name: '__ProbeSendOnly', send: true, sync: false },
  { name: '__ProbeSyncOnly', send: false, sync: true },
  { name: '__ProbeNeither', send: false, sync: false },
] as const;
export type Probe = (typeof PROBES)[number];

export class RustcError extends Error {
  constructor(
    message: string,
    readonly rustcOutput: string,
    readonly program: string,
  ) {
    super(message);
    this.name = 'RustcError';
  }
}

const RT = '__oracle_rt';

// Probes derive the common std traits (raw pointers have them all but Default), so that types
// with bounds like `T: Copy + Ord` or `T: Default` can still be instantiated with them.
const RUNTIME = `
#[doc(hidden)]
#[allow(dead_code, non_camel_case_types)]
pub mod ${RT} {
    pub struct __Check<T: ?Sized>(::core::marker::PhantomData<T>);
    pub trait __NotSend { const IS_SEND: bool = false; }
    impl<T: ?Sized> __NotSend for __Check<T> {}
    impl<T: ?Sized + ::core::marker::Send> __Check<T> { pub const IS_SEND: bool = true; }
    pub struct __CheckSync<T: ?Sized>(::core::marker::PhantomData<T>);
    pub trait __NotSync { const IS_SYNC: bool = false; }
    impl<T: ?Sized> __NotSync for __CheckSync<T> {}
    impl<T: ?Sized + ::core::marker::Sync> __CheckSync<T> { pub const IS_SYNC: bool = true; }
${PROBES.map(
  (p) => `
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct ${p.name}(pub *const ());
    impl ::core::default::Default for ${p.name} { fn default() -> Self { ${p.name}(::core::ptr::null()) } }
${p.send ? `    unsafe impl ::core::marker::Send for ${p.name} {}\n` : ''}${p.sync ? `    unsafe impl ::core::marker::Sync for ${p.name} {}\n` : ''}`,
).join('')}
}
`;

const IMPORTS = `use crate::${RT}::{__Check, __CheckSync, __NotSend, __NotSync, ${PROBES.map((p) => p.name).join(', ')}};`;

interface BuiltProgram {
  text: string;
  /** Per question: the 1-based line it is asked on, in `text`. */
  lines: Map<number, number>;
  /** Module question functions, in the order main prints them, with their question indices. */
  groups: { call: string; indices: number[] }[];
}

/** Asks rustc every question about `source` (a lib crate) in one program. */
export async function askRustc(
  source: string,
  questions: readonly OracleQuestion[],
  options: OracleOptions = {},
): Promise<OracleResult> {
  const items = await readRustItems(source);
  if (items.hasRootMain) {
    throw new RustcError('the oracle needs `fn main` for itself: the crate root already has one', '', source);
  }
  const knownModules = new Set(['', ...items.modules.map((m) => m.path)]);
  for (const q of questions) {
    if (!knownModules.has(q.module ?? '')) {
      throw new RustcError(
        `question about \`${q.typeExpr}\` asked from unknown inline module \`${q.module}\``,
        '',
        source,
      );
    }
  }

  const version = await rustcVersion(options.rustc ?? 'rustc');
  const cacheDir = resolveCacheDir(options.cacheDir);
  let active = questions.map((_, i) => i);
  const answers: OracleAnswer[] = questions.map(() => null);
  const rejections = new Map<number, string>();
  let rustcMs = 0;
  let rustcRuns = 0;
  let fromCache = true;

  // Questions whose type rustc rejects (a probe that breaks a declared bound) are dropped and the
  // program is built again; each round removes at least one question, so this ends.
  for (let round = 0; ; round++) {
    const program = buildProgram(source, items.modules, questions, active);
    const key = createHash('sha256')
      .update(version)
      .update(options.unstable ? '\0unstable\0' : '\0')
      .update(program.text)
      .digest('hex');
    const cached = cacheDir ? readCache(cacheDir, key) : undefined;
    let outcome: RunOutcome;
    if (cached) {
      outcome = cached;
    } else {
      fromCache = false;
      const started = Date.now();
      outcome = await compileAndRun(program.text, options.rustc ?? 'rustc', options.unstable ?? false);
      rustcMs += Date.now() - started;
      rustcRuns++;
      if (cacheDir) writeCache(cacheDir, key, outcome);
    }
    if (outcome.kind === 'ok') {
      const bits = outcome.stdout.trim();
      const order = program.groups.flatMap((g) => g.indices);
      if (bits.length !== order.length || /[^01]/.test(bits)) {
        throw new RustcError(
          `oracle program printed ${JSON.stringify(bits)} for ${order.length} questions`,
          outcome.stdout,
          program.text,
        );
      }
      order.forEach((q, i) => {
        answers[q] = bits[i] === '1';
      });
      return { answers, rejections, rustcMs, rustcRuns, fromCache };
    }
    const rejected = questionsRejected(outcome.diagnostics, program.lines);
    if (!rejected || rejected.size === 0 || round > questions.length) {
      throw new RustcError(`rustc rejected the program:\n${outcome.rendered}`, outcome.rendered, program.text);
    }
    for (const [q, message] of rejected) rejections.set(q, message);
    active = active.filter((q) => !rejected.has(q));
  }
}

/** Compiles `source` alone (no questions): throws a RustcError with rustc's message if it fails. */
export async function assertCompiles(source: string, options: OracleOptions = {}): Promise<void> {
  await askRustc(source, [], options);
}

function buildProgram(
  source: string,
  modules: readonly { path: string; closeOffset: number }[],
  questions: readonly OracleQuestion[],
  active: readonly number[],
): BuiltProgram {
  const byModule = new Map<string, number[]>();
  for (const q of active) {
    const m = questions[q].module ?? '';
    byModule.set(m, [...(byModule.get(m) ?? []), q]);
  }
  // Each module with questions gets `__oracle_answers_<k>()`, re-exported up through every
  // ancestor (`pub(crate) use self::child::f;`) so that main can call it from the root even when
  // the modules are private.
  const insertions = new Map<string, string[]>();
  const groups: BuiltProgram['groups'] = [];
  let k = 0;
  for (const [mod, indices] of byModule) {
    const fn = `__oracle_answers_${k++}`;
    const body = indices.map((q) => {
      const { typeExpr, trait } = questions[q];
      const expr = trait === 'Send' ? `<__Check<${typeExpr}>>::IS_SEND` : `<__CheckSync<${typeExpr}>>::IS_SYNC`;
      return `        ${expr}, /*__oracle_q${q}*/`;
    });
    const code = `\n#[doc(hidden)]\n#[allow(dead_code, unused_imports)]\npub(crate) fn ${fn}() -> ::std::vec::Vec<bool> {\n    ${IMPORTS}\n    ::std::vec![\n${body.join('\n')}\n    ]\n}\n`;
    const segments = mod ? mod.split('::') : [];
    push(insertions, mod, code);
    for (let depth = segments.length - 1; depth >= 0; depth--) {
      const parent = segments.slice(0, depth).join('::');
      push(
        insertions,
        parent,
        `\n#[doc(hidden)]\n#[allow(unused_imports)]\npub(crate) use self::${segments[depth]}::${fn};\n`,
      );
    }
    groups.push({ call: `crate::${fn}()`, indices });
  }

  // Insert from the end of the text backwards so earlier offsets stay valid.
  const points = modules
    .filter((m) => insertions.has(m.path))
    .map((m) => ({ offset: m.closeOffset, text: insertions.get(m.path)!.join('') }))
    .sort((a, b) => b.offset - a.offset);
  let text = source;
  for (const p of points) text = text.slice(0, p.offset) + p.text + text.slice(p.offset);
  const main = `\nfn main() {\n    let mut out = ::std::string::String::new();\n${groups
    .map((g) => `    for b in ${g.call} { out.push(if b { '1' } else { '0' }); }\n`)
    .join('')}    ::std::println!("{}", out);\n}\n`;
  text = `${text}\n${(insertions.get('') ?? []).join('')}${RUNTIME}${main}`;

  const lines = new Map<number, number>();
  text.split('\n').forEach((line, i) => {
    const m = /\/\*__oracle_q(\d+)\*\/\s*$/.exec(line);
    if (m) lines.set(Number(m[1]), i + 1);
  });
  return { text, lines, groups };
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

export interface RustcDiagnostic {
  level: string;
  code: string | null;
  message: string;
  primaryLines: number[];
  rendered: string;
  /** The messages of its notes and helps, and the labels of their spans. */
  notes: string[];
}

type RunOutcome =
  { kind: 'ok'; stdout: string } | { kind: 'compile-error'; diagnostics: RustcDiagnostic[]; rendered: string };

/**
 * The questions that rustc rejected for an unsatisfied bound, or undefined when some error is not
 * of that kind (then the program itself is wrong, and the caller must see rustc's message).
 */
function questionsRejected(
  diagnostics: readonly RustcDiagnostic[],
  lines: Map<number, number>,
): Map<number, string> | undefined {
  const byLine = new Map<number, number>();
  for (const [q, line] of lines) byLine.set(line, q);
  const rejected = new Map<number, string>();
  for (const d of diagnostics) {
    if (d.level !== 'error') continue;
    if (d.primaryLines.length === 0 && /^aborting due to|^could not compile/.test(d.message)) continue;
    const qs = d.primaryLines.map((l) => byLine.get(l));
    // E0599 "... but its trait bounds were not satisfied": the same, told through the check's
    // associated constant (rustc says so for a probe that breaks a generic trait bound).
    const unsatisfied =
      d.code === 'E0277' || (d.code === 'E0599' && d.message.includes('its trait bounds were not satisfied'));
    if (!unsatisfied || qs.length === 0 || qs.some((q) => q === undefined)) return undefined;
    for (const q of qs) rejected.set(q!, d.message);
  }
  return rejected;
}

async function compileAndRun(program: string, rustc: string, unstable: boolean): Promise<RunOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-oracle-'));
  try {
    const src = join(dir, 'oracle.rs');
    const exe = join(dir, process.platform === 'win32' ? 'oracle.exe' : 'oracle');
    writeFileSync(src, program);
    const compiled = await run(
      rustc,
      [
        '--edition',
        '2021',
        '--crate-type',
        'bin',
        '--crate-name',
        'oracle',
        '-C',
        'opt-level=0',
        '-C',
        'debuginfo=0',
        '-A',
        'warnings',
        '--error-format=json',
        '-o',
        exe,
        src,
      ],
      unstable ? { RUSTC_BOOTSTRAP: '1' } : {},
    );
    if (compiled.code !== 0) {
      const diagnostics = parseDiagnostics(compiled.stderr);
      // Name the file as `oracle.rs`, not by its throwaway temp path.
      const rendered = (diagnostics.map((d) => d.rendered).join('') || compiled.stderr).split(src).join('oracle.rs');
      return { kind: 'compile-error', diagnostics, rendered };
    }
    const ran = await run(exe, []);
    if (ran.code !== 0)
      throw new RustcError(`oracle program exited with ${ran.code}: ${ran.stderr}`, ran.stderr, program);
    return { kind: 'ok', stdout: ran.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseDiagnostics(stderr: string): RustcDiagnostic[] {
  const out: RustcDiagnostic[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const d = JSON.parse(line) as {
        level: string;
        message: string;
        code: { code: string } | null;
        rendered: string | null;
        spans: { is_primary: boolean; line_start: number }[];
        children?: { message: string; spans: { label: string | null }[] }[];
      };
      out.push({
        level: d.level,
        code: d.code?.code ?? null,
        message: d.message,
        primaryLines: d.spans.filter((s) => s.is_primary).map((s) => s.line_start),
        rendered: d.rendered ?? `${d.level}: ${d.message}\n`,
        notes: (d.children ?? []).flatMap((c) => [c.message, ...c.spans.flatMap((s) => (s.label ? [s.label] : []))]),
      });
    } catch {
      // Not a diagnostic line (rustc can print plain text, e.g. an ICE): kept via `stderr`.
    }
  }
  return out;
}

export function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new RustcError(`could not run ${cmd}: ${error.message}`, String(stderr), ''));
        return;
      }
      resolvePromise({ code: error ? Number(error.code) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const versions = new Map<string, Promise<string>>();

export function rustcVersion(rustc: string): Promise<string> {
  let v = versions.get(rustc);
  if (!v) {
    v = run(rustc, ['-vV']).then((r) => {
      if (r.code !== 0) throw new RustcError(`\`${rustc} -vV\` failed: ${r.stderr}`, r.stderr, '');
      return r.stdout;
    });
    versions.set(rustc, v);
  }
  return v;
}

export function resolveCacheDir(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  if (option) return option;
  if (process.env.RUST_SEND_SYNC_ORACLE_CACHE === '0') return undefined;
  return join(tmpdir(), 'rust-send-sync-oracle-cache');
}

export function readCache<T = RunOutcome>(dir: string, key: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeCache(dir: string, key: string, outcome: unknown): void {
  try {
    mkdirSync(dir, { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(outcome));
    renameSync(tmp, join(dir, `${key}.json`));
  } catch {
    // The cache is an optimisation only.
  }
}
