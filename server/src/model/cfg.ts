// `#[cfg(...)]` as the compiler evaluates it for a plain build on a 64-bit Linux host: the
// configuration the tests' rustc runs use. `feature = "x"` is answered from the crate's enabled
// features when they are known (a Cargo project), and is undecided otherwise. Undecided
// predicates keep an item (it may exist) and make a field's type unknown (it may or may not be
// there), so that no verdict rests on a guess.

export type CfgValue = boolean | undefined;

export interface CfgContext {
  /** The crate's enabled features, or undefined when not known (a file without Cargo.toml). */
  features?: ReadonlySet<string>;
  /**
   * Keep the out-of-file modules whose `mod` this build leaves out, marked inactive: their files
   * then have a place in the module tree (the analysis of an inactive module's file; see project.ts).
   */
  keepInactiveModules?: boolean;
  /** Flags the crate's build script sets (cargo.ts buildScriptCfgs): `on`, or undecided. */
  buildCfgs?: { on: readonly string[]; maybe: readonly string[] };
  /** `cfg(test)` is undecided, not off: code `cargo test` builds as well as code `cargo build` does. */
  testUndecided?: boolean;
}

const FLAGS: Record<string, boolean> = {
  unix: true,
  windows: false,
  test: false,
  doc: false,
  doctest: false,
  miri: false,
  debug_assertions: true,
  proc_macro: false,
  docsrs: false,
  loom: false,
  fuzzing: false,
};

const KEYS: Record<string, (value: string) => boolean> = {
  target_os: (v) => v === 'linux',
  target_family: (v) => v === 'unix',
  target_arch: (v) => v === 'x86_64',
  target_pointer_width: (v) => v === '64',
  target_endian: (v) => v === 'little',
  target_env: (v) => v === 'gnu',
  target_vendor: (v) => v === 'unknown',
  target_has_atomic: (v) => ['8', '16', '32', '64', 'ptr'].includes(v),
  panic: (v) => v === 'unwind',
  // The x86_64 baseline a plain build targets (`rustc --print cfg`): nothing newer than SSE2.
  target_feature: (v) => ['fxsr', 'sse', 'sse2'].includes(v),
};

/** The predicate of a `#[cfg(...)]` attribute's text, or undefined when it is not a `cfg`. */
export function cfgPredicate(attributeText: string): string | undefined {
  const m = /^#\s*\[\s*cfg\s*\(([\s\S]*)\)\s*\]$/.exec(attributeText.trim());
  return m ? m[1] : undefined;
}

/** Evaluates a cfg predicate (`all(unix, feature = "std")`); undefined when it cannot know. */
export function evaluateCfg(predicate: string, ctx: CfgContext): CfgValue {
  const tokens = predicate.match(/"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|[(),=]/g) ?? [];
  let i = 0;
  const parse = (): CfgValue => {
    const name = tokens[i++];
    if (name === undefined) return undefined;
    if (tokens[i] === '(') {
      i++;
      const args: CfgValue[] = [];
      while (i < tokens.length && tokens[i] !== ')') {
        args.push(parse());
        if (tokens[i] === ',') i++;
      }
      i++;
      if (name === 'all') return args.includes(false) ? false : args.includes(undefined) ? undefined : true;
      if (name === 'any') return args.includes(true) ? true : args.includes(undefined) ? undefined : false;
      if (name === 'not') return args[0] === undefined ? undefined : !args[0];
      return undefined;
    }
    if (tokens[i] === '=') {
      i++;
      const raw = tokens[i++] ?? '""';
      const value = raw.replace(/^"|"$/g, '');
      if (name === 'feature') return ctx.features ? ctx.features.has(value) : undefined;
      const key = Object.hasOwn(KEYS, name) ? KEYS[name] : undefined;
      return key ? key(value) : undefined;
    }
    if (name === 'test' && ctx.testUndecided) return undefined;
    if (Object.hasOwn(FLAGS, name)) return FLAGS[name];
    if (ctx.buildCfgs?.on.includes(name)) return true;
    if (ctx.buildCfgs?.maybe.includes(name)) return undefined;
    // Custom `--cfg` flags (`tokio_unstable`, ...) are not set by a plain build.
    return /^[a-z_][a-z0-9_]*$/.test(name) ? false : undefined;
  };
  try {
    return parse();
  } catch {
    return undefined;
  }
}
