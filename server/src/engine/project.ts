// A Cargo project as a reader sees it, without building it: each crate's module tree from its
// root file (`mod a;` -> `a.rs` or `a/mod.rs`, `#[path]`), its enabled features, and its
// dependencies, whose sources are found where cargo keeps them and read only when a type of
// theirs is first asked about. One solver answers for all crates, so a field of a type from
// another file or crate gets that type's real verdict. A folder is read at once (`open`), or when
// first needed (`defer`: a file of it asked about, a dependency found in it, every file listed),
// and can be read a file at a time (`readSteps`), with requests answered between the steps.
// A file whose `mod` this build leaves out (`#[cfg(feature = "sync")] mod rwlock;`, a module in
// an inactive `cfg_xxx! { mod x; }`) is analysed in its place all the same, by a second project of
// its own (the shadow): the same crates read with every feature on and with the modules still off
// kept as inactive ones. The shadow shares nothing with this project, so its modules cannot leak
// into the verdicts of the active ones.
import type { TypeReport } from '../model/report';
import { lowerFile, newScope, type FileItems, type ImplDef, type Scope, type TypeDef } from '../model/lower';
import { crateRoot, Resolver, type Item } from '../model/resolve';
import { editBetween, ParseTimeout, type PatchedText, type SyntaxTree, type TextSpan } from '../syntax/parser';
import { readSpans, skimmedDependency, withItemMacroBodiesBlanked } from '../syntax/skim';
import {
  expandMacroCallSteps,
  macroInfos,
  readAsGenerated,
  withForwardedCfgs,
  withForwardedExpansions,
  type MacroCall,
  type MacroInfo,
} from '../model/item-macros';
import { runSteps, type Steps } from '../model/steps';
import { Solver } from '../traits/infer';
import { CrateFutures, type FnFuturesReuse } from '../futures/analyze';
import { FutureReuse } from '../futures/fn-reuse';
import { finishAnalysis, skippedAnalysis, typeReport, type FileAnalysis, type InactiveModule } from './analysis';
import { cfgPredicate, evaluateCfg, type CfgContext } from '../model/cfg';
import {
  dirname,
  enabledFeatures,
  findPackageSource,
  join,
  normalize,
  readLock,
  readManifest,
  sourceFolders,
  unifiedFeatures,
  type Dependency,
  type FileSystem,
  type FeatureRequests,
  type Manifest,
} from '../cargo/cargo';

export interface Parser {
  /** Parses `text`, or only `spans` of it (item macros' bodies, at their own positions). */
  parse(text: string | PatchedText, oldTree?: SyntaxTree, spans?: readonly TextSpan[]): SyntaxTree;
  /** A parse that stops when `stop` says so, and goes on at the next call with the same text (and spans). */
  parsePart?(text: string, stop: () => boolean, spans?: readonly TextSpan[]): SyntaxTree | undefined;
  /** Whether file analyses resolve every mention of a type (for hover); true when absent. */
  readonly mentions?: boolean;
  /** Whether file analyses reuse the futures results of unchanged fns; true when absent. */
  readonly reuseFutures?: boolean;
}

interface FileRecord {
  path: string;
  text: string;
  /** Changes with the text (numbers are never reused within a project). */
  version: number;
  tree: SyntaxTree;
  items: FileItems;
  /** Trees of item-macro bodies, kept alive as long as the file's items. */
  macroTrees: SyntaxTree[];
  /** The leading `#![cfg(..)]` that is off in this build (null: none), once read (see leadingCfgOff). */
  cfgOff?: string | null;
  /** The file's parse was given up: it is read as an empty file, and its analysis says why. */
  givenUp?: ParseTimeout;
}

export interface Crate {
  /** The name other code uses for it (`parking_lot`). */
  name: string;
  manifest: Manifest;
  rootFile: string;
  root: Scope;
  files: Map<string, FileRecord>;
  features: Set<string>;
  /** Part of the opened project (edited by the user), not a dependency. */
  local: boolean;
  deps: Map<string, Dependency>;
  /** A file of the package no module tree reaches, read as a crate of its own (see detachedCrateOf). */
  detached?: boolean;
  /** Its `macro_rules!` by name, for the crates that call them (`slotmap::new_key_type!`). */
  macros?: Map<string, MacroInfo>;
  /**
   * What the build this crate is part of asks of each package, by folder (see unifiedFeatures):
   * a dependency is read with them. A local crate's is made when it first reads a dependency.
   */
  build?: Map<string, FeatureRequests>;
}

/**
 * Reading a folder, a file at a time: each step reads (parses and lowers) one file, so a caller
 * can answer requests between steps. Run to its end, it does what reading at once does.
 */
export type ReadSteps = Steps;

/** How many impls a step of reading a crate matches (see crateSteps). */
const IMPLS_PER_STEP = 100;
/** How long a step of parsing a file goes on (see parseSteps). */
const PARSE_STEP_MS = 4;

export interface ProjectOptions {
  /** Keep the local crates' inactive modules, each file in its place (this is a shadow). */
  shadow?: boolean;
  /**
   * The files do not change while the project lives (a `check` run): its shadow reads a crate
   * of tests, examples or benches only when asked about a file that no crate read so far holds.
   */
  batch?: boolean;
  /** Parse dependencies' comments and fn bodies too (they are blanked by default): for tests. */
  wholeDependencies?: boolean;
  /**
   * Parse item macros' bodies into the files' own trees too (they are blanked there by default,
   * and read as items from the text only): for tests.
   */
  wholeTrees?: boolean;
}

export class Project {
  readonly crates: Crate[] = [];
  private readonly byRoot = new Map<Scope, Crate>();
  private readonly depCrates = new Map<string, Crate | string>();
  /** Each crate's dependencies as found (see loadDependency). */
  private readonly depAnswers = new WeakMap<Crate, Map<Dependency, Crate | string>>();
  /** The answers that say a crate is being read (a cycle): asked again later, they change. */
  private readonly beingRead = new Set<string>();
  private readonly overlay = new Map<string, string>();
  /** Each file's last tree, its text, and whether it was read in spans (see parse). */
  private readonly trees = new Map<string, { text: string; tree: SyntaxTree; inSpans: boolean }>();
  private readonly listings = new Map<string, string[]>();
  private readonly manifests = new Map<string, Manifest | undefined>();
  /** Per crate: its dependencies that code names by their `[lib] name` (see dependencyNamed). */
  private readonly libNames = new WeakMap<Crate, Map<string, Dependency>>();
  private folders?: string[];
  /** Everything must be read again (a file appeared or vanished on disk). */
  private stale = false;
  /** Files whose text changed: each is lowered again on its own, in place. */
  private readonly dirty = new Set<string>();
  /** Where each module scope's `mod foo;` files are looked for. */
  private readonly modDirs = new Map<Scope, { file: string; dir: string; fileLevel: boolean }>();
  /** Item-macro calls met while loading a crate, expanded once its `macro_rules!` are known. */
  private deferred: (MacroCall & { crate: Crate; record: FileRecord })[] = [];
  private lock = new Map<string, string[]>();
  /** The folders read, in order (the shadow defers the same). */
  private readonly opened: string[] = [];
  /** Folders given to `defer` and not opened yet, in order (the shadow defers the same). */
  private readonly pendingFolders: string[] = [];
  /** Every folder given to `open` or `defer`, in the order given: the order of `localFiles`. */
  private readonly folderOrder: string[] = [];
  /**
   * A batch shadow's local crates not read yet (tests, examples, benches): most of their files
   * are active in the project itself, so each is read only when a file no read crate holds is
   * asked about (see crateOf).
   */
  private readonly unread: { dir: string; folder: string; load: () => void }[] = [];
  /** Folders of unread crates, by whether a `#[path]` in them may lead out (see pathsLeave). */
  private readonly leavingFolders = new Map<string, boolean>();
  /** The local crates' trees are freed (see releaseActive). */
  private released = false;
  /** The project that analyses the files of inactive modules (made when first needed). */
  private shadow?: Project;
  /** File analyses since the last change to any crate's text (verdicts cross files). */
  private readonly analyses = new Map<string, FileAnalysis>();
  private futures?: CrateFutures;
  /** Which file each parse tree (a file's or an item macro's expansion) belongs to. */
  private readonly treeFiles = new Map<SyntaxTree, FileRecord>();
  private versions = 0;
  /** The fns' futures results of the last analyses (see fileContext). */
  private readonly futuresReuse?: FnFuturesReuse;
  readonly resolver: Resolver;
  solver: Solver;

  constructor(
    private readonly parser: Parser,
    private readonly fs: FileSystem,
    private readonly env: Record<string, string | undefined> = {},
    /**
     * Build the project's own crates with every feature (`cargo --all-features`), not the default
     * ones; a list: the default features and these (`cargo --features a,b`).
     */
    private readonly allFeatures: boolean | readonly string[] = false,
    private readonly options: ProjectOptions = {},
  ) {
    this.resolver = new Resolver((from, name) => this.findCrate(from, name));
    this.solver = new Solver(this.resolver);
    if (parser.reuseFutures !== false) this.futuresReuse = new FutureReuse(32, true);
  }

  /** Opens the package or workspace whose Cargo.toml is in `dir`; false if there is none. */
  open(dir: string): boolean {
    const manifest = readManifest(this.cachedFs(), normalize(dir));
    if (!manifest) return false;
    this.lock = readLock(this.fs, manifest.dir);
    this.folderOrder.push(normalize(dir));
    runSteps(this.packageSteps(dir, manifest));
    return true;
  }

  /**
   * Opens `dir` as `open` would, but only when first needed: a question about a file under it,
   * a dependency found in it, or `localFiles`. What is read then is what `open` reads (the lock
   * file of the last folder given is the one used, as with `open`), so answers are the same.
   */
  defer(dir: string): boolean {
    const manifest = readManifest(this.cachedFs(), normalize(dir));
    if (!manifest) return false;
    this.lock = readLock(this.fs, manifest.dir);
    this.pendingFolders.push(normalize(dir));
    this.folderOrder.push(normalize(dir));
    return true;
  }

  /** Whether any folder was opened or deferred (a deferred one may still hold no crate). */
  get hasFolders(): boolean {
    return this.crates.length > 0 || this.pendingFolders.length > 0;
  }

  /** Opens the deferred folder that holds `path`, if any. */
  private openDeferred(path: string): void {
    runSteps(this.deferredSteps(path));
  }

  /** Opening the deferred folder that holds `path` (none: no step). */
  private *deferredSteps(path: string): ReadSteps {
    const at = this.pendingFolders.findIndex((d) => path === d || path.startsWith(`${d}/`));
    if (at < 0) return;
    const [dir] = this.pendingFolders.splice(at, 1);
    const manifest = readManifest(this.cachedFs(), dir);
    if (manifest) yield* this.packageSteps(dir, manifest);
  }

  /**
   * What `owns(path)` reads, a file at a time: the deferred folder that holds `path`, then, for
   * a file no module of this build reaches, the same folder in the shadow. Until the steps end,
   * nothing else may be asked of this project.
   */
  *readSteps(path: string): ReadSteps {
    const p = normalize(path);
    yield* this.deferredSteps(p);
    if (this.crateOf(p)) return;
    const shadow = this.shadowFor(p);
    if (shadow) yield* shadow.deferredSteps(p);
  }

  private *packageSteps(dir: string, manifest: Manifest): ReadSteps {
    this.opened.push(dir);
    const packages = [
      manifest,
      ...manifest.workspaceMembers.map((m) => readManifest(this.cachedFs(), m)).filter((m): m is Manifest => !!m),
    ];
    for (const m of packages) {
      if (this.crates.some((c) => c.manifest.dir === m.dir) || this.unread.some((u) => u.dir === m.dir)) continue;
      const name = crateName(m);
      const roots = [m.libRoot, ...m.otherRoots, ...m.devRoots].filter((r): r is string => !!r);
      const dev = new Set(m.devRoots);
      for (const rootFile of roots) {
        const deps = targetDependencies(m, dev.has(rootFile), rootFile !== m.libRoot);
        const features = this.packageFeatures(m);
        if (this.options.batch && this.options.shadow && rootFile !== roots[0]) {
          const load = (): void => {
            const crate = runSteps(this.crateSteps(name, m, rootFile, features, deps, true));
            if (rootFile === m.libRoot) this.depCrates.set(m.dir, crate);
          };
          this.unread.push({ dir: m.dir, folder: dirname(rootFile), load });
        } else {
          const crate = yield* this.crateSteps(name, m, rootFile, features, deps, true);
          if (rootFile === m.libRoot) this.depCrates.set(m.dir, crate);
        }
      }
    }
  }

  /** The features the project's own packages are built with (see the constructor's `allFeatures`). */
  private packageFeatures(m: Manifest): Set<string> {
    return this.allFeatures === true
      ? enabledFeatures(
          m,
          [...Object.keys(m.features), ...m.dependencies.filter((d) => d.optional).map((d) => d.name)],
          true,
        )
      : enabledFeatures(m, this.allFeatures || [], true);
  }

  /** The crate (of the opened project) a file belongs to, if any. */
  crateOf(path: string): Crate | undefined {
    const p = normalize(path);
    if (this.pendingFolders.length > 0) this.openDeferred(p);
    let crate = this.loadedCrateOf(p);
    // A batch shadow's unread crates that may hold the file, in order, until one does.
    for (const unread of [...this.unread]) {
      if (crate) break;
      if (!p.startsWith(`${unread.folder}/`) && !this.pathsLeave(unread.folder)) continue;
      this.unread.splice(this.unread.indexOf(unread), 1);
      unread.load();
      crate = this.loadedCrateOf(p);
    }
    return crate ?? this.detachedCrateOf(p);
  }

  /**
   * The shadow's crate for a `.rs` file of a local package that no module tree reaches, even with
   * every feature on: a test's expected macro expansion (compiled on its own by the test), a
   * module of another target OS (`cfg_if!`'s other branches). Its place is unknown, so it is read
   * as a crate of its own whose root is detached (Scope.detached): its own items, and the crates a
   * test of the package sees (the package's library too), resolve; paths from its crate root or
   * its parent module do not. Without it the file would be analysed alone, where
   * `::pin_project_lite::x` names a crate whose source is not read.
   */
  private detachedCrateOf(p: string): Crate | undefined {
    if (!this.options.shadow || this.released || !p.endsWith('.rs')) return undefined;
    let owner: Manifest | undefined;
    for (const c of this.crates)
      if (c.local && p.startsWith(`${c.manifest.dir}/`) && c.manifest.dir.length > (owner?.dir.length ?? -1))
        owner = c.manifest;
    if (!owner || !(this.overlay.has(p) || this.fs.isFile(p))) return undefined;
    // A folder on the way with a Cargo.toml of its own holds another package (a fuzz target).
    for (let d = dirname(p); d.length > owner.dir.length; d = dirname(d))
      if (this.fs.isFile(join(d, 'Cargo.toml'))) return undefined;
    // Read from the outermost such file that declares it (`windows/mod.rs`'s `mod selector;`),
    // whichever file is asked about first: its `super::` then resolves, and the answer is the same.
    const parent = this.parentModuleFile(p);
    if (parent?.startsWith(`${owner.dir}/`) && !this.loadedCrateOf(parent)) {
      const crate = this.detachedCrateOf(parent);
      if (crate?.files.has(p)) return crate;
    }
    const deps = targetDependencies(owner, true, true);
    const crate = runSteps(this.crateSteps(crateName(owner), owner, p, this.packageFeatures(owner), deps, true, true));
    return crate.files.has(p) ? crate : undefined;
  }

  /**
   * Whether a `.rs` file under `folder` has a `#[path = ".."]` that may lead out of it. Without
   * one, a crate whose root is in `folder` holds only files under it: `mod` finds its files in
   * the module's folder, and a `path` without `..` stays below the file that declares it.
   */
  private pathsLeave(folder: string): boolean {
    const known = this.leavingFolders.get(folder);
    if (known !== undefined) return known;
    let leaves = false;
    const pending = [folder];
    for (let dir = pending.pop(); dir !== undefined && !leaves; dir = pending.pop()) {
      for (const name of this.fs.listDir(dir)) {
        const path = join(dir, name);
        if (name.endsWith('.rs') && this.fs.isFile(path)) leaves = leaves || leavingPath(this.fs.readFile(path) ?? '');
        else if (this.fs.isDir(path)) pending.push(path);
      }
    }
    this.leavingFolders.set(folder, leaves);
    return leaves;
  }

  /**
   * The file that declares `p` as a module by the folder layout (`a/b.rs` or `a/b/mod.rs`: `a.rs` or
   * `a/mod.rs`), if it exists and has the `mod b;` (read as text).
   */
  private parentModuleFile(p: string): string | undefined {
    const modRs = p.endsWith('/mod.rs');
    const dir = modRs ? dirname(dirname(p)) : dirname(p);
    const name = (modRs ? dirname(p) : p.slice(0, -3)).slice(dir.length + 1);
    if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
    for (const file of [join(dir, 'mod.rs'), `${dir}.rs`]) {
      const text = this.overlay.get(file) ?? this.fs.readFile(file);
      if (text !== undefined && new RegExp(`\\bmod\\s+${name}\\s*;`).test(text)) return file;
    }
    return undefined;
  }

  private loadedCrateOf(p: string): Crate | undefined {
    // A file several crates reach (tests sharing `mod support;`): one this build compiles first.
    let off: Crate | undefined;
    for (const c of this.crates) {
      if (!c.local || !c.files.has(p)) continue;
      const root = this.options.shadow ? undefined : c.files.get(c.rootFile);
      if (!root || this.leadingCfgOff(root, c) === undefined) return c;
      off ??= c;
    }
    return off;
  }

  /** Whether the project analyses `path`: a file of a local crate, active or in an inactive module. */
  owns(path: string): boolean {
    return !!this.crateOf(path) || !!this.shadowFor(path)?.crateOf(path);
  }

  /** The shadow, for a file inside a local crate's folder that no module of this build reaches. */
  private shadowFor(path: string): Project | undefined {
    if (this.options.shadow) return undefined;
    const p = normalize(path);
    if (!this.crates.some((c) => c.local && p.startsWith(`${c.manifest.dir}/`))) return undefined;
    return this.openShadow();
  }

  private openShadow(): Project {
    if (!this.shadow) {
      this.shadow = new Project(this.parser, this.fs, this.env, true, { ...this.options, shadow: true });
      for (const [file, text] of this.overlay) this.shadow.setText(file, text);
      // Deferred there, all of them (read already here): the shadow reads only the folders its
      // questions need, with the lock file this project reads.
      this.shadow.pendingFolders.push(...this.folderOrder);
      this.shadow.folderOrder.push(...this.folderOrder);
      this.shadow.lock = this.lock;
    }
    return this.shadow;
  }

  /**
   * A batch run has analysed every file of this build: the local crates' trees (their files' and
   * item macros' expansions) and the analyses are freed, so what the shadow reads next does not
   * add to them. `next`, the files to be asked about next, have the shadow read their crates first
   * (what those questions would read, in the same order): the files this build shares with it
   * (the library an integration test is a crate beside) are then not parsed twice, and the peak
   * is their union. Dependencies keep their trees (the shadow may read the same). From here on,
   * only files this build leaves out (or no crate holds) may be asked about.
   */
  releaseActive(next: readonly string[] = []): void {
    if (!this.options.batch || this.options.shadow || this.released) return;
    this.openShadow();
    this.forgetAnalyses();
    // Its verdicts too: the shadow has a solver of its own.
    this.solver = new Solver(this.resolver);
    const trees: SyntaxTree[] = [];
    for (const crate of this.crates) {
      if (!crate.local) continue;
      for (const record of crate.files.values()) {
        // Read now: which files go to the shadow is asked again after the trees are gone.
        this.leadingCfgOff(record, crate);
        if (this.trees.get(record.path)?.tree === record.tree) this.trees.delete(record.path);
        trees.push(record.tree, ...record.macroTrees);
        record.macroTrees = [];
        record.items = { root: record.items.root, types: [], impls: [], inactiveImpls: [], inherentImpls: [] };
      }
    }
    for (const file of next) this.shadowFor(file)?.crateOf(file);
    for (const tree of trees) tree.delete();
    this.released = true;
  }

  /**
   * Frees every parse tree this project (and its shadow) holds: a tree lives in the parser's
   * WebAssembly memory, which no garbage collection reaches. For a run that checks crate after
   * crate in one process; the project answers nothing afterwards.
   */
  dispose(): void {
    this.shadow?.dispose();
    this.shadow = undefined;
    const trees = new Set<SyntaxTree>();
    for (const crate of this.crates) {
      // Released crates' trees are freed already.
      if (this.released && crate.local) continue;
      for (const record of crate.files.values()) {
        trees.add(record.tree);
        for (const tree of record.macroTrees) trees.add(tree);
        record.macroTrees = [];
      }
    }
    for (const { tree } of this.trees.values()) trees.add(tree);
    this.trees.clear();
    this.forgetAnalyses();
    for (const tree of trees) tree.delete();
    this.crates.length = 0;
    this.byRoot.clear();
    this.released = true;
  }

  /**
   * An open editor's text for `path` (undefined: back to the disk's). The crates are re-read on
   * the next question, once however many files changed.
   */
  setText(path: string, text: string | undefined): void {
    const p = normalize(path);
    this.forgetAnalyses();
    this.shadow?.setText(p, text);
    if (text === undefined) this.overlay.delete(p);
    else this.overlay.set(p, text);
    const crate = this.crateOf(p);
    if (crate && crate.files.get(p)?.text !== (text ?? this.fs.readFile(p))) this.dirty.add(p);
  }

  /** Files changed on disk: known ones are read again on their own; a new or gone file rebuilds all. */
  changedOnDisk(paths: string[]): void {
    this.forgetAnalyses();
    this.shadow?.changedOnDisk(paths);
    for (const path of paths.map(normalize)) {
      // A folder not opened yet reads the disk as it is when it is.
      if (this.overlay.has(path) || this.pendingFolders.some((d) => path.startsWith(`${d}/`))) continue;
      if (this.crateOf(path) && this.fs.isFile(path)) this.dirty.add(path);
      else if (!(this.shadow?.crateOf(path) && this.fs.isFile(path))) this.stale = true;
    }
  }

  private refresh(): void {
    if (this.stale || this.dirty.size > 0) this.forgetAnalyses();
    if (this.stale) {
      this.stale = false;
      this.dirty.clear();
      this.rebuild();
      return;
    }
    for (const path of this.dirty) {
      const crate = this.crateOf(path);
      if (crate) this.relower(crate, path);
    }
    this.dirty.clear();
  }

  /**
   * A file's new text, lowered into the same module scope: its inline modules are made anew, the
   * modules of other files it declares are attached again (or read, if new), and the solver forgets
   * only the types this file can change (see Solver.forgetFile).
   */
  private relower(crate: Crate, path: string): void {
    const record = crate.files.get(path)!;
    const text = this.overlay.get(path) ?? this.fs.readFile(path);
    if (text === undefined || text === record.text) return;
    const scope = record.items.root;
    const fileChildren = new Map<string, Scope>();
    const collect = (s: Scope) => {
      for (const child of s.mods.values()) {
        if (this.modDirs.get(child)?.file === path) collect(child);
        else fileChildren.set(child.path.join('::'), child);
      }
    };
    collect(scope);
    const where = this.modDirs.get(scope)!;
    // Aliases and traits change other types without a field pointing at them (an alias is
    // expanded in place, a supertrait decides `dyn Trait`): then every local type is re-solved.
    const declaresIndirect = (s: Scope) => s.aliases.size > 0 || s.traits.size > 0;
    const scopesOfFile = (s: Scope): Scope[] => [
      s,
      ...[...s.mods.values()].filter((c) => this.modDirs.get(c)?.file === path).flatMap(scopesOfFile),
    ];
    let indirect = scopesOfFile(scope).some(declaresIndirect);
    const namesBefore = namesOffered(scopesOfFile(scope));
    for (const map of [
      scope.types,
      scope.fns,
      scope.aliases,
      scope.traits,
      scope.mods,
      scope.outOfFileMods,
      scope.imports,
      scope.externCrates,
    ] as Map<string, unknown>[])
      map.clear();
    scope.globs.length = 0;
    scope.unnamed = scope.undecidedNames = scope.cfgTwins = scope.privateImports = scope.privateGlobs = undefined;
    const oldTypes = new Set(record.items.types);
    const oldImpls = new Set([...record.items.impls, ...record.items.inactiveImpls]);
    for (const t of record.macroTrees) t.delete();
    record.macroTrees = [];
    record.version = ++this.versions;
    record.cfgOff = undefined;
    record.givenUp = undefined;
    try {
      record.tree = this.parse(path, text);
      record.text = text;
    } catch (error) {
      if (!(error instanceof ParseTimeout)) throw error;
      record.givenUp = error;
      record.tree = this.parse(path, '');
      record.text = '';
    }
    record.items = lowerFile(record.tree.rootNode, {
      scope,
      cfg: this.cfgOf(crate),
      macroItems: (call, inScope, impl, trait) => {
        this.deferred.push({ crate, record, call, scope: inScope, impl, trait });
        return undefined;
      },
    });
    runSteps(this.childModuleSteps(crate, where.file, scope, where.dir, where.fileLevel, fileChildren));
    runSteps(this.itemMacroSteps(crate, fileChildren));
    indirect ||= scopesOfFile(scope).some(declaresIndirect);
    const namesChanged = namesOffered(scopesOfFile(scope)) !== namesBefore;
    const local = new Set(this.crates.filter((c) => c.local).map((c) => c.root));
    const rematch = this.solver.forgetFile(
      oldTypes,
      oldImpls,
      (def) => indirect && local.has(crateRoot(def.scope)),
      namesChanged,
    );
    this.solver.addImpls([...record.items.impls, ...rematch]);
  }

  /** Every local crate re-read (parse trees of unchanged files reused); dependencies kept. */
  rebuild(): void {
    this.forgetAnalyses();
    const local = this.crates.filter((c) => c.local);
    const isLocal = (scope: Scope) => local.some((c) => c.root === crateRoot(scope));
    this.solver.forget(
      (def: TypeDef) => isLocal(def.scope),
      (impl: ImplDef) => isLocal(impl.scope),
    );
    this.solver.resetVerdicts();
    for (const c of local) {
      this.byRoot.delete(c.root);
      this.crates.splice(this.crates.indexOf(c), 1);
    }
    for (const c of local) {
      const crate = runSteps(this.crateSteps(c.name, c.manifest, c.rootFile, c.features, c.deps, true, c.detached));
      if (this.depCrates.get(c.manifest.dir) === c) this.depCrates.set(c.manifest.dir, crate);
    }
  }

  private forgetAnalyses(): void {
    this.analyses.clear();
    this.futures = undefined;
    this.treeFiles.clear();
  }

  /** The futures of every crate at this version of the text (calls and awaits cross files). */
  private crateFutures(): CrateFutures {
    this.futures ??= new CrateFutures(this.solver, {
      fileOf: (node) => {
        let record = this.treeFiles.get(node.tree);
        if (!record) {
          for (const crate of this.crates)
            for (const r of crate.files.values()) {
              this.treeFiles.set(r.tree, r);
              for (const t of r.macroTrees) this.treeFiles.set(t, r);
            }
          record = this.treeFiles.get(node.tree);
        }
        if (!record) return undefined;
        const crate = this.crates.find((c) => c.files.get(record.path) === record);
        const dependency = crate && !crate.local ? crate.name : undefined;
        return { root: record.tree.rootNode, items: record.items, label: this.label(record.path), dependency };
      },
      files: () => this.crates.flatMap((c) => [...c.files.values()].map((r) => r.items)),
      localFiles: () => this.crates.flatMap((c) => (c.local ? [...c.files.values()].map((r) => r.items) : [])),
      crateCount: () => this.crates.length,
    });
    return this.futures;
  }

  /** How messages name a file: `src/store.rs` in its crate, `tokio: src/task/spawn.rs` in a dependency. */
  private label(path: string): string {
    const crate = this.crateOf(path) ?? this.crates.find((c) => c.files.has(path));
    if (!crate) return path;
    const rel = path.startsWith(crate.manifest.dir + '/') ? path.slice(crate.manifest.dir.length + 1) : path;
    return crate.local ? rel : `${crate.name}: ${rel}`;
  }

  /**
   * The crate of a file this build compiles: not one a `#![cfg(..)]` at its top leaves out (a
   * test crate's `#![cfg(feature = "full")]`), which the shadow analyses with its features on.
   */
  activeCrateOf(path: string): Crate | undefined {
    const crate = this.crateOf(path);
    const record = crate?.files.get(normalize(path));
    if (!crate || !record || this.options.shadow) return crate;
    return this.cfgOffFor(record, crate) === undefined ? crate : undefined;
  }

  /**
   * The first `#![cfg(..)]` off in this build at the top of the file, or of its crate's root: a
   * test whose root says `#![cfg(feature = "full")]` leaves out every module it declares too.
   */
  private cfgOffFor(record: FileRecord, crate: Crate): string | undefined {
    const own = this.leadingCfgOff(record, crate);
    if (own !== undefined || record.path === crate.rootFile) return own;
    const root = crate.files.get(crate.rootFile);
    return root ? this.leadingCfgOff(root, crate) : undefined;
  }

  /** The predicate of the first `#![cfg(..)]` at the top of the file that is off in this build. */
  private leadingCfgOff(record: FileRecord, crate: Crate): string | undefined {
    if (record.cfgOff === undefined) {
      record.cfgOff = null;
      for (let node = record.tree.rootNode.firstNamedChild; node; node = node.nextNamedSibling) {
        if (node.type === 'line_comment' || node.type === 'block_comment') continue;
        if (node.type !== 'inner_attribute_item') break;
        const pred = cfgPredicate(node.text.replace(/^#\s*!/, '#'));
        if (pred !== undefined && evaluateCfg(pred, this.cfgOf(crate)) === false) {
          record.cfgOff = pred.replace(/\s+/g, ' ').trim();
          break;
        }
      }
    }
    return record.cfgOff ?? undefined;
  }

  /** The analysis of one file of a local crate: its types' verdicts and findings, crate-wide. */
  analyzeFile(path: string): FileAnalysis | undefined {
    this.refresh();
    const crate = this.crateOf(path);
    const record = crate?.files.get(normalize(path));
    if (!crate || !record) return this.inactiveAnalysis(path);
    const off = this.options.shadow ? undefined : this.cfgOffFor(record, crate);
    if (off !== undefined) return this.inactiveAnalysis(path, off);
    if (this.released) throw new Error(`${path}: asked about after its trees were freed (releaseActive)`);
    if (record.givenUp) return skippedAnalysis(record.givenUp);
    const cached = this.analyses.get(record.path);
    if (cached) return cached;
    let analysis: FileAnalysis;
    try {
      analysis = finishAnalysis({
        root: record.tree.rootNode,
        text: record.text,
        items: record.items,
        solution: this.solver,
        resolver: this.resolver,
        reparse: (body) => this.parser.parse(body),
        mentions: this.parser.mentions !== false,
        crateFutures: this.crateFutures(),
        ...(this.futuresReuse ? { futures: { cache: this.futuresReuse, context: this.fileContext(record) } } : {}),
      });
    } catch (error) {
      // A `macro_rules!` body read as items can be given up too.
      if (!(error instanceof ParseTimeout)) throw error;
      analysis = skippedAnalysis(error);
    }
    this.analyses.set(record.path, analysis);
    return analysis;
  }

  /**
   * A file no module of this build reaches, analysed in its place by the shadow, with the module
   * that this build leaves out and the `#[cfg]` that does.
   */
  private inactiveAnalysis(path: string, leadingCfg?: string): FileAnalysis | undefined {
    const shadow = this.shadowFor(path);
    const crate = shadow?.crateOf(path);
    const analysis = shadow?.analyzeFile(path);
    if (!shadow || !crate || !analysis) return undefined;
    // No module of any build holds it: there is no module to name.
    if (crate.detached) return analysis;
    const own = this.crates.find((c) => c.local && c.rootFile === crate.rootFile);
    // Said on the shadow's own analysis, which serves only this project: a copy would read its
    // mentions (a walk of the whole file) at once, on every edit.
    const module = shadow.inactiveModule(path, { features: own?.features ?? crate.features });
    const inactive = leadingCfg !== undefined ? { ...module, cfg: leadingCfg } : module;
    if (Object.isFrozen(analysis)) return { ...analysis, inactive };
    analysis.inactive = inactive;
    return analysis;
  }

  /** The outermost module around `path` (its own included) whose `#[cfg]` is off under `cfg`. */
  private inactiveModule(path: string, cfg: CfgContext): InactiveModule {
    const scope = this.crateOf(path)!.files.get(normalize(path))!.items.root;
    const chain: Scope[] = [];
    for (let s: Scope | undefined = scope; s?.parent; s = s.parent) if (s.kind === 'module') chain.unshift(s);
    for (const s of chain) {
      const off = (s.cfg ?? []).filter((p) => evaluateCfg(p, cfg) === false);
      if (off.length > 0)
        return { module: ['crate', ...s.path].join('::'), cfg: off.length === 1 ? off[0] : `all(${off.join(', ')})` };
    }
    return { module: ['crate', ...scope.path].join('::') };
  }

  /**
   * What a file's verdicts depend on besides its own skeleton: the text of every other file of
   * the local crates, by version (dependencies are read once and never change; a rebuild makes
   * new records, with new versions).
   */
  private fileContext(record: FileRecord): string {
    const parts: string[] = [];
    for (const crate of this.crates)
      if (crate.local) for (const r of crate.files.values()) if (r !== record) parts.push(`${r.path}@${r.version}`);
    return parts.join('\n');
  }

  report(def: TypeDef): TypeReport {
    return typeReport(def, this.solver);
  }

  /** Files of the local crates, in module order (every deferred folder is opened, in order). */
  localFiles(): string[] {
    while (this.pendingFolders.length > 0) this.openDeferred(this.pendingFolders[0]);
    this.refresh();
    // Crates by the order their folders were given, whichever was opened first (a stable sort).
    const rank = (c: Crate): number => {
      const at = this.folderOrder.findIndex((d) => c.manifest.dir === d || c.manifest.dir.startsWith(`${d}/`));
      return at < 0 ? this.folderOrder.length : at;
    };
    const local = this.crates.filter((c) => c.local).sort((a, b) => rank(a) - rank(b));
    return [...new Set(local.flatMap((c) => [...c.files.keys()]))];
  }

  /** Which crate and file declare `def`. */
  locate(def: TypeDef): { crate: Crate; file: string } | undefined {
    const crate = this.byRoot.get(crateRoot(def.scope));
    if (!crate) return undefined;
    for (const [file, r] of crate.files) if (r.items.types.includes(def)) return { crate, file };
    return undefined;
  }

  // ---- loading ----

  private *crateSteps(
    name: string,
    manifest: Manifest,
    rootFile: string,
    features: Set<string>,
    deps: Map<string, Dependency>,
    local: boolean,
    detached = false,
    build?: Map<string, FeatureRequests>,
  ): Steps<Crate> {
    const root = newScope('module', []);
    if (manifest.edition2015) root.edition2015 = true;
    if (manifest.beforeEdition2021) root.beforeEdition2021 = true;
    const crate: Crate = { name, manifest, rootFile, root, files: new Map(), features, local, deps, build };
    root.buildCfg = this.cfgOf(crate);
    if (detached) crate.detached = root.detached = true;
    this.crates.push(crate);
    this.byRoot.set(root, crate);
    // A detached `x.rs` is more likely a module than a crate root: its `mod y;` is `x/y.rs`.
    const modDir =
      detached && !/(^|\/)(mod|lib|main)\.rs$/.test(rootFile)
        ? join(dirname(rootFile), rootFile.slice(dirname(rootFile).length + 1, -3))
        : dirname(rootFile);
    yield* this.moduleFileSteps(crate, rootFile, root, modDir);
    yield* this.itemMacroSteps(crate);
    // A few impls a step: matching one resolves its type (tokio's thousand took 20 ms at once).
    const impls = [...crate.files.values()].flatMap((r) => r.items.impls);
    for (let at = 0; at < impls.length; at += IMPLS_PER_STEP) {
      this.solver.addImpls(impls.slice(at, at + IMPLS_PER_STEP));
      yield;
    }
    return crate;
  }

  private *moduleFileSteps(crate: Crate, path: string, scope: Scope, modDir: string): ReadSteps {
    if (crate.files.has(path)) return;
    const read = this.overlay.get(path) ?? this.fs.readFile(path);
    if (read === undefined) return;
    // A dependency is read for its items' outsides: its comments and plain fn bodies are blanked
    // before parsing (see skimDependency).
    const skimmed = !crate.local && !this.options.wholeDependencies;
    const text = skimmed ? skimmedDependency(read) : { text: read, blanks: [] };
    // The file's own tree leaves out what its item macros' calls hold: their bodies are parsed
    // from `text` as items (see blankItemMacroBodies). An open file's tree is kept whole: its next
    // version is parsed again from it. What is blanked, the parse skips (see readSpans).
    const whole = this.overlay.has(path) || this.options.wholeTrees;
    const parsed = whole ? text : withItemMacroBodiesBlanked(text);
    let tree: SyntaxTree;
    let givenUp: ParseTimeout | undefined;
    try {
      tree = yield* this.parseSteps(path, parsed.text, readSpans(parsed));
    } catch (error) {
      if (!(error instanceof ParseTimeout)) throw error;
      givenUp = error;
      tree = this.parse(path, '');
    }
    // Lowering a big file takes up to 10 ms: a step of its own.
    yield;
    const record: FileRecord = {
      path,
      text: givenUp ? '' : text.text,
      version: ++this.versions,
      tree,
      items: { root: scope, types: [], impls: [], inactiveImpls: [], inherentImpls: [] },
      macroTrees: [],
      ...(givenUp ? { givenUp } : {}),
    };
    crate.files.set(path, record);
    record.items = lowerFile(tree.rootNode, {
      scope,
      cfg: this.cfgOf(crate),
      macroItems: (call, inScope, impl, trait) => {
        this.deferred.push({ crate, record, call, scope: inScope, impl, trait });
        return undefined;
      },
    });
    yield;
    yield* this.childModuleSteps(crate, path, scope, modDir, true);
  }

  /**
   * `cfg_rt! { pub struct X; }`: the body's items exist when the `#[cfg]` the macro's
   * `macro_rules!` puts on them holds (unknown: they may exist, and are kept).
   */
  private *itemMacroSteps(crate: Crate, reuse?: Map<string, Scope>): ReadSteps {
    // A file's `macro_rules!` a step (reading tokio's took 10 ms): later files win a name, as at once.
    const own = new Map<string, MacroInfo>();
    const readFrom = new Set<FileRecord>();
    // A crate whose root this build leaves out (winapi's `#![cfg(windows)]`, read as an inactive
    // one) has its calls of macros that write types left unexpanded: thousands of `STRUCT!`s,
    // each a parse, for types of another OS.
    const root = crate.files.get(crate.rootFile);
    const rootOff = root !== undefined && this.leadingCfgOff(root, crate) !== undefined;
    function* readMacros(): ReadSteps {
      for (const record of [...crate.files.values()]) {
        if (readFrom.has(record)) continue;
        readFrom.add(record);
        for (const [name, info] of macroInfos([record.tree.rootNode]))
          own.set(name, rootOff && info.definition !== undefined ? { ...info, definition: undefined } : info);
        yield;
      }
    }
    yield* readMacros();
    // A macro of one file may hand its items to one of another (`macros/cfg.rs` to itself, mostly).
    let infos = withForwardedCfgs(own);
    crate.macros = withForwardedExpansions(own);
    const cfg = this.cfgOf(crate);
    // Each round reads the files of the modules the last one found (libc nests six deep).
    for (let round = 0; round < 16; round++) {
      const calls = this.deferred.filter((d) => d.crate === crate);
      this.deferred = this.deferred.filter((d) => d.crate !== crate);
      if (calls.length === 0) return;
      // The files the last round read (modules an item macro's body declares, as most of tokio's
      // are) have `macro_rules!` of their own, which their calls use (`writer8!(WriteU8, u8)`).
      if (readFrom.size < crate.files.size) {
        yield* readMacros();
        infos = withForwardedCfgs(own);
        crate.macros = withForwardedExpansions(own);
      }
      for (const c of calls) {
        const name = c.call.childForFieldName('macro')?.text;
        if (name === undefined || infos.has(name)) continue;
        const theirs = this.dependencyMacro(crate, c.scope, name);
        if (theirs) infos.set(name, theirs);
      }
      for (const record of new Set(calls.map((c) => c.record))) {
        const next = yield* expandMacroCallSteps(
          record.text,
          calls.filter((c) => c.record === record),
          infos,
          cfg,
          (text, spans) => this.parseSpans(text, spans),
          (tree) => record.macroTrees.push(tree),
          record.items,
          (scope) => this.macroModuleSteps(crate, scope, reuse),
        );
        for (const n of next) this.deferred.push({ crate, record, ...n });
      }
    }
  }

  /**
   * A dependency's `macro_rules!` that a call in `crate` names, by its path (`slotmap::new_key_type!`)
   * or by a `use` of it in the call's module (`use slotmap::new_key_type;`); its `$crate` is that
   * dependency, by the name the call reaches it with.
   */
  private dependencyMacro(crate: Crate, scope: Scope, name: string): MacroInfo | undefined {
    const written = name.split('::').map((s) => s.trim());
    if (written[0] === '') written.shift(); // `::slotmap::new_key_type!`, as a `$crate` path expands
    if (readAsGenerated(name)) return undefined;
    let path = written;
    if (written.length === 1) {
      for (let s: Scope | undefined = scope; s && path.length === 1; s = s.kind === 'block' ? s.parent : undefined)
        path = s.imports.get(written[0]) ?? path;
      if (path[0] === '::') path = path.slice(1);
    }
    const dep = path.length >= 2 ? this.dependencyNamed(crate, path[0]) : undefined;
    const loaded = dep ? this.loadDependency(crate, dep) : undefined;
    const info = typeof loaded === 'object' ? loaded.macros?.get(path[path.length - 1]) : undefined;
    if (!info) return undefined;
    const definition = info.definition?.replace(/\$crate\b/g, `::${path[0]}`);
    return definition === undefined ? info : { ...info, definition };
  }

  /** The files of the `mod foo;`s a macro body declared in `scope`. */
  private *macroModuleSteps(crate: Crate, scope: Scope, reuse?: Map<string, Scope>): ReadSteps {
    const where = this.modDirs.get(scope);
    if (where) yield* this.childModuleSteps(crate, where.file, scope, where.dir, where.fileLevel, reuse);
  }

  /** `mod foo;` in `scope` (declared in `file`): find and load `foo.rs` or `foo/mod.rs`. */
  private *childModuleSteps(
    crate: Crate,
    file: string,
    scope: Scope,
    modDir: string,
    fileLevel: boolean,
    reuse?: Map<string, Scope>,
  ): ReadSteps {
    this.modDirs.set(scope, { file, dir: modDir, fileLevel });
    const inline = [...scope.mods.entries()].filter(([, child]) => !this.modDirs.has(child));
    for (const [name, info] of scope.outOfFileMods) {
      // A file module already read (its file did not change): attached again as it is.
      const known = reuse?.get([...scope.path, name].join('::'));
      if (known) {
        known.parent = scope;
        scope.mods.set(name, known);
        scope.outOfFileMods.delete(name);
        continue;
      }
      // `mod r#async;` is in `async.rs`: a raw identifier's file has the plain name.
      const fileName = name.replace(/^r#/, '');
      const candidates = info.path
        ? [normalize(join(fileLevel ? dirname(file) : modDir, info.path))]
        : [join(modDir, `${fileName}.rs`), join(modDir, fileName, 'mod.rs')];
      const found = candidates.find((c) => this.overlay.has(c) || this.fs.isFile(c));
      if (!found) continue;
      const loaded = crate.files.get(found)?.items.root;
      if (loaded) {
        // Read already, as an inactive module of the same name (in an earlier macro round): the
        // active `mod` takes it.
        if (!info.inactive && loaded.parent === scope && loaded.path.join('::') === [...scope.path, name].join('::')) {
          loaded.cfg = info.cfg;
          scope.mods.set(name, loaded);
          scope.outOfFileMods.delete(name);
        }
        continue;
      }
      const child = newScope('module', [...scope.path, name], scope);
      child.cfg = info.cfg;
      scope.mods.set(name, child);
      scope.outOfFileMods.delete(name);
      const isModRs = /(^|\/)mod\.rs$/.test(found);
      const childDir = isModRs || info.path ? dirname(found) : join(dirname(found), fileName);
      yield* this.moduleFileSteps(crate, found, child, childDir);
    }
    for (const [name, child] of inline)
      yield* this.childModuleSteps(crate, file, child, join(modDir, name.replace(/^r#/, '')), false, reuse);
  }

  private cfgOf(crate: Crate): CfgContext {
    return {
      features: crate.features,
      keepInactiveModules: !!this.options.shadow && crate.local,
      buildCfgs: crate.manifest.buildCfgs,
    };
  }

  /**
   * A file's first parse, PARSE_STEP_MS a step (a big file took 25 ms at once), when the parser
   * can stop and go on; else what `parse` does, in one step. With `spans`, only they are read
   * (see Parser).
   */
  private *parseSteps(path: string, text: string, spans?: readonly TextSpan[]): Steps<SyntaxTree> {
    const { parser } = this;
    if (this.trees.has(path) || !parser.parsePart) return this.parse(path, text, spans);
    for (;;) {
      const until = performance.now() + PARSE_STEP_MS;
      const tree = parser.parsePart(text, () => performance.now() >= until, spans);
      if (tree) {
        this.trees.set(path, { text, tree, inSpans: spans !== undefined });
        return tree;
      }
      yield;
    }
  }

  /** Item macros' bodies as items; a parse given up reads as no items (an empty tree). */
  private parseSpans(text: PatchedText, spans: readonly TextSpan[]): SyntaxTree {
    try {
      return this.parser.parse(text, undefined, spans);
    } catch (error) {
      if (!(error instanceof ParseTimeout)) throw error;
      return this.parser.parse('');
    }
  }

  private parse(path: string, text: string, spans?: readonly TextSpan[]): SyntaxTree {
    const cached = this.trees.get(path);
    if (cached?.text === text) return cached.tree;
    let tree: SyntaxTree;
    if (cached) {
      // An edit of an open file: parsed again around the change only. The old tree is edited
      // for this text: gone whether the parse ends or is given up. A tree read in spans (a
      // closed file's, see moduleFileSteps), or to be, is parsed afresh.
      this.trees.delete(path);
      const again = !cached.inSpans && spans === undefined;
      if (again) cached.tree.edit(editBetween(cached.text, text));
      try {
        tree = again ? this.parser.parse(text, cached.tree) : this.parser.parse(text, undefined, spans);
      } finally {
        cached.tree.delete();
      }
    } else tree = this.parser.parse(text, undefined, spans);
    this.trees.set(path, { text, tree, inSpans: spans !== undefined });
    return tree;
  }

  // ---- dependencies ----

  private findCrate(from: Scope, name: string): Item | undefined {
    const crate = this.byRoot.get(crateRoot(from));
    if (!crate) return undefined;
    const dep = this.dependencyNamed(crate, name);
    if (!dep) return undefined;
    const loaded = this.loadDependency(crate, dep);
    return typeof loaded === 'string' ? { kind: 'none', reason: loaded } : { kind: 'mod', scope: loaded.root };
  }

  /**
   * The dependency `crate`'s code names `name`: by its key (or rename), else one not renamed whose
   * library has a `[lib] name` of its own, the name cargo then gives it (package `utf-8` is `utf8`,
   * `cairo-rs` is `cairo`). Those are found once per crate, reading the dependencies' manifests.
   */
  private dependencyNamed(crate: Crate, name: string): Dependency | undefined {
    const dep = crate.deps.get(name);
    if (dep) return dep;
    let byLib = this.libNames.get(crate);
    if (!byLib) {
      this.libNames.set(crate, (byLib = new Map<string, Dependency>()));
      for (const d of crate.deps.values()) {
        if (d.name !== d.package.replace(/-/g, '_')) continue;
        const dir = d.path ?? this.registrySource(crate, d);
        const libName = dir === undefined ? undefined : this.manifestAt(dir)?.libName;
        if (libName !== undefined && libName !== d.name && !crate.deps.has(libName)) byLib.set(libName, d);
      }
    }
    return byLib.get(name);
  }

  private loadDependency(from: Crate, dep: Dependency): Crate | string {
    // Asked for every path that leaves the crate (thousands of times for tokio): the answer is kept.
    let answers = this.depAnswers.get(from);
    if (!answers) this.depAnswers.set(from, (answers = new Map<Dependency, Crate | string>()));
    const answered = answers.get(dep);
    if (answered !== undefined) return answered;
    const answer = this.readDependency(from, dep);
    if (typeof answer !== 'string' || !this.beingRead.has(answer)) answers.set(dep, answer);
    return answer;
  }

  private readDependency(from: Crate, dep: Dependency): Crate | string {
    const dir = dep.path ?? this.registrySource(from, dep);
    if (!dir)
      return `the source of crate \`${dep.package}\` was not found; ${this.fs.missingSourceHint ?? 'run `cargo fetch`'}`;
    // A deferred folder is opened (as one of the project's) before it is read as a dependency.
    if (this.pendingFolders.length > 0) this.openDeferred(normalize(dir));
    // A local crate (a package's library, for its tests) is the one read; a missing manifest is
    // missing for every dependent.
    const local = this.depCrates.get(dir);
    if (local !== undefined) return local;
    const manifest = readManifest(this.cachedFs(), dir);
    if (!manifest?.libRoot) {
      const reason = `crate \`${dep.package}\` has no library source in \`${dir}\``;
      this.depCrates.set(dir, reason);
      return reason;
    }
    const build = this.buildOf(from);
    const unified = build.get(dir);
    const features = enabledFeatures(
      manifest,
      [...dep.features, ...featuresAskedOf(from, dep), ...(unified?.requested ?? [])],
      dep.defaultFeatures || !!unified?.withDefault,
    );
    // Read once per set of features: a test's dev-dependency may turn on more than the library's.
    const key = `${dir}\0${[...features].sort().join(',')}`;
    const known = this.depCrates.get(key);
    if (known !== undefined) return known;
    const reading = `crate \`${dep.package}\` is being read`;
    this.beingRead.add(reading);
    this.depCrates.set(key, reading);
    const crate = runSteps(
      this.crateSteps(
        manifest.libName ?? (manifest.packageName ?? dep.package).replace(/-/g, '_'),
        manifest,
        manifest.libRoot,
        features,
        new Map(manifest.dependencies.map((d) => [d.name, d])),
        false,
        false,
        build,
      ),
    );
    this.depCrates.set(key, crate);
    return crate;
  }

  /**
   * The features each package of `crate`'s build is asked for: a local crate's build starts at
   * its package (with the dev-dependencies for tests, examples and benches); a dependency is
   * part of the build that read it.
   */
  private buildOf(crate: Crate): Map<string, FeatureRequests> {
    if (crate.build) return crate.build;
    const dev = crate.detached === true || crate.manifest.devRoots.includes(crate.rootFile);
    crate.build = unifiedFeatures(
      crate.manifest,
      crate.features,
      dev,
      (dir) => this.manifestAt(dir),
      (from, dep) => dep.path ?? this.registrySourceFrom(from.dir, dep),
    );
    return crate.build;
  }

  /** The manifest in `dir`, read once. */
  private manifestAt(dir: string): Manifest | undefined {
    if (!this.manifests.has(dir)) this.manifests.set(dir, readManifest(this.cachedFs(), dir));
    return this.manifests.get(dir);
  }

  private registrySource(from: Crate, dep: Dependency): string | undefined {
    return this.registrySourceFrom(from.manifest.dir, dep);
  }

  private registrySourceFrom(dir: string, dep: Dependency): string | undefined {
    this.folders ??= sourceFolders(this.fs, dir, this.env);
    return findPackageSource(this.cachedFs(), this.folders, dep.package, dep.version, this.lock.get(dep.package));
  }

  /** The file system with directory listings remembered (registry folders are large). */
  private cachedFs(): FileSystem {
    return {
      readFile: (p) => this.fs.readFile(p),
      isFile: (p) => this.fs.isFile(p),
      isDir: (p) => this.fs.isDir(p),
      listDir: (p) => {
        let l = this.listings.get(p);
        if (!l) {
          l = this.fs.listDir(p);
          this.listings.set(p, l);
        }
        return l;
      },
    };
  }
}

/** The name code uses for a package's library (`pin-project-lite` -> `pin_project_lite`). */
function crateName(m: Manifest): string {
  return m.libName ?? (m.packageName ?? 'crate').replace(/-/g, '_');
}

/**
 * The crates a target of package `m` sees: its dependencies; for examples, tests and benches
 * (`dev`) the dev-dependencies too, a crate that is both built once with the features of both
 * (cargo unifies them); for every target but the library itself (`ownLib`), the package's library.
 */
function targetDependencies(m: Manifest, dev: boolean, ownLib: boolean): Map<string, Dependency> {
  const deps = new Map(m.dependencies.map((d) => [d.name, d]));
  if (dev)
    for (const d of m.devDependencies) {
      const normal = deps.get(d.name);
      deps.set(d.name, normal ? unifiedDependency(normal, d) : d);
    }
  const name = crateName(m);
  if (ownLib && m.libRoot)
    deps.set(name, {
      name,
      package: m.packageName ?? name,
      path: m.dir,
      features: [],
      defaultFeatures: true,
      optional: false,
    });
  return deps;
}

/** A dependency that is also a dev-dependency, as tests and examples see it. */
function unifiedDependency(normal: Dependency, dev: Dependency): Dependency {
  return {
    ...normal,
    features: [...new Set([...normal.features, ...dev.features])],
    defaultFeatures: normal.defaultFeatures || dev.defaultFeatures,
  };
}

/**
 * Whether `text` has a `path = "..."` (a `#[path]`, or one in a `cfg_attr`) going up (`..`) or
 * from the root: read as text, so one in a comment or a string counts too (a crate read for nothing).
 */
function leavingPath(text: string): boolean {
  for (const m of text.matchAll(/\bpath\s*=\s*r?#*"([^"]*)"/g))
    if (m[1].includes('..') || /^([/\\]|\w:)/.test(m[1])) return true;
  return false;
}

/** `net = ["mio/net", "mio?/os-poll"]` in `from`'s enabled features: what they turn on in `dep`. */
function featuresAskedOf(from: Crate, dep: Dependency): string[] {
  const asked: string[] = [];
  for (const f of from.features) {
    for (const entry of from.manifest.features[f] ?? []) {
      const m = /^([\w-]+)\??\/([\w-]+)$/.exec(entry);
      if (m && (m[1] === dep.name || m[1] === dep.package || m[1].replace(/-/g, '_') === dep.name)) asked.push(m[2]);
    }
  }
  return asked;
}

/**
 * What a file's module scopes offer to the resolution of paths written anywhere, as one string:
 * the names declared and imported in the type namespace (and where each import leads), the
 * modules and their files, the glob imports, and what each alias stands for. Two versions of a
 * file with the same string resolve every path alike (fns are left out: no type path reaches
 * them).
 */
function namesOffered(scopes: Scope[]): string {
  const parts: string[] = [];
  for (const s of scopes) {
    parts.push(`mod ${s.path.join('::')} ${s.cfg?.join(',') ?? ''}`);
    for (const [name, def] of s.types) parts.push(`type ${name} ${def.kind} ${def.alternatives?.length ?? 0}`);
    for (const [name, alias] of s.aliases)
      parts.push(
        `alias ${name}<${alias.generics.params.map((p) => p.name).join(',')}> = ${alias.typeNode?.text ?? ''}`,
      );
    for (const name of s.traits.keys()) parts.push(`trait ${name}`);
    for (const name of s.mods.keys()) parts.push(`inline ${name}`);
    for (const [name, m] of s.outOfFileMods)
      parts.push(`file ${name} ${m.path ?? ''} ${m.cfg?.join(',') ?? ''} ${!!m.inactive}`);
    for (const [name, path] of s.imports) parts.push(`use ${name} = ${path.join('::')}`);
    for (const glob of s.globs) parts.push(`glob ${glob.join('::')}`);
    for (const [name, crate] of s.externCrates) parts.push(`extern ${name} = ${crate}`);
    for (const name of s.cfgTwins?.keys() ?? []) parts.push(`twin ${name}`);
  }
  return parts.join('\n');
}
