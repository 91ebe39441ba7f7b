// A project kept current edit by edit (each changed file lowered again on its own, the solver
// forgetting only what the file can change) must answer exactly as a project opened afresh on the
// same texts. Edits of one crate fixture, each step compared on every file of the crate.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';
import { Project } from '../../server/src/engine/project';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';
import { requiresText } from '../../server/src/present/verdict-text';

function snapshot(project: Project): string[] {
  return project
    .localFiles()
    .sort()
    .flatMap((file) => {
      const analysis = project.analyzeFile(file)!;
      return [
        ...analysis.types.map(
          (t) =>
            `${file.split('/').slice(-2).join('/')} ${t.path} Send ${t.send.status} ${requiresText(t.send).join(',')} Sync ${t.sync.status} ${requiresText(t.sync).join(',')}`,
        ),
        ...analysis.findings.map((f) => `${file.split('/').slice(-2).join('/')}:${f.range.start.line} ${f.code}`),
        ...(analysis.futures ?? []).map(
          (f) =>
            `${file.split('/').slice(-2).join('/')}:${f.nameRange.start.line} future ${f.name} Send ${f.send.status} ${f.send.reasons.join(' / ')}`,
        ),
      ];
    });
}

test('edit by edit, the project answers as one opened afresh on the same texts', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir(), mentions: false });
  const dir = mkdtempSync(join(tmpdir(), 'rss-incr-'));
  try {
    for (const name of ['app', 'helper'])
      cpSync(join(REPO_ROOT, 'test', 'fixtures', 'crates', name), join(dir, name), { recursive: true });
    const app = join(dir, 'app');
    const job = join(app, 'src', 'worker', 'job.rs');
    const worker = join(app, 'src', 'worker', 'mod.rs');
    const lib = join(app, 'src', 'lib.rs');
    const texts = new Map<string, string>();
    const live = new Project(engine, nodeFileSystem, { HOME: '/nonexistent' });
    live.open(app);
    const edit = (path: string, change: (text: string) => string) => {
      const text = change(texts.get(path) ?? readFileSync(path, 'utf8'));
      texts.set(path, text);
      live.setText(path, text);
    };
    const steps: [string, () => void][] = [
      [
        'a field of Job becomes an Rc',
        () => edit(job, (t) => t.replace('retries: Cell<u8>,', 'retries: std::rc::Rc<u8>,')),
      ],
      [
        'Job gets back its Cell and a new alias, which lib.rs uses through a re-export',
        () => {
          edit(
            job,
            (t) =>
              t.replace('retries: std::rc::Rc<u8>,', 'retries: Counter,') +
              '\npub type Counter = std::cell::Cell<u8>;\n',
          );
          edit(worker, (t) => t.replace('pub use self::job::Job;', 'pub use self::job::{Counter, Job};'));
          edit(lib, (t) => `${t}\npub struct Counted(worker::Counter);\n`);
        },
      ],
      // Only job.rs changes; `Counted` (lib.rs) has no field of a type of job.rs, yet changes.
      [
        'the alias turns into a Mutex',
        () =>
          edit(job, (t) =>
            t.replace('pub type Counter = std::cell::Cell<u8>;', 'pub type Counter = std::sync::Mutex<u8>;'),
          ),
      ],
      [
        'Worker gets an unsafe impl Sync without a comment',
        () => edit(worker, (t) => `${t}\nunsafe impl Sync for Worker {}\n`),
      ],
      ['lib.rs declares a new type using Worker', () => edit(lib, (t) => `${t}\npub struct Pool(Vec<Worker>);\n`)],
      // Futures are reused fn by fn within a file: what they hold comes from other files.
      [
        'lib.rs gets async fns holding a Job across an .await',
        () =>
          edit(
            lib,
            (t) =>
              `${t}\npub async fn tick() {}\npub async fn hold(j: crate::worker::Job) {\n    tick().await;\n    drop(j);\n}\npub async fn twice(j: crate::worker::Job) {\n    hold(j).await;\n}\n`,
          ),
      ],
      [
        'a field of Job becomes an Rc (the futures of lib.rs change)',
        () => edit(job, (t) => t.replace('id: u64,', 'id: std::rc::Rc<u64>,')),
      ],
      // A plain fn is walked only when it may find something: here once `run` of another file
      // gets a `Send` bound, which lib.rs's text does not show.
      [
        'lib.rs passes a future to a fn of job.rs that asks nothing of it',
        () => {
          edit(job, (t) => `${t}\npub fn run<F>(_f: F) {}\n`);
          edit(lib, (t) => `${t}\npub fn start(j: crate::worker::Job) {\n    crate::worker::job::run(hold(j));\n}\n`);
        },
      ],
      ['that fn of job.rs asks for Send', () => edit(job, (t) => t.replace('pub fn run<F>(', 'pub fn run<F: Send>('))],
      [
        'an edit inside one async fn of lib.rs',
        () => edit(lib, (t) => t.replace('    tick().await;\n    drop(j);', '    drop(j);\n    tick().await;')),
      ],
      // An item macro's body is blanked in the file's tree and parsed in a tree of its own: an
      // edit inside it changes no text the file's tree shows.
      [
        'lib.rs gets an async fn inside an item macro, holding an Rc across an .await',
        () =>
          edit(
            lib,
            (t) =>
              `${t}\nmacro_rules! items {\n    ($($i:item)*) => { $($i)* };\n}\nitems! {\n    pub async fn held() {\n        let r = std::rc::Rc::new(1u8);\n        tick().await;\n        drop(r);\n    }\n}\n`,
          ),
      ],
      [
        'an edit inside the async fn in the item macro',
        () =>
          edit(lib, (t) =>
            t.replace('        tick().await;\n        drop(r);', '        drop(r);\n        tick().await;'),
          ),
      ],
      [
        'lib.rs gets a struct inside an item macro, and an async fn outside it holding one across an .await',
        () =>
          edit(
            lib,
            (t) =>
              `${t}\nitems! {\n    pub struct Token {\n        v: u8,\n    }\n}\npub async fn keeps(t: Token) {\n    let kept = t;\n    tick().await;\n    drop(kept);\n}\n`,
          ),
      ],
      [
        'a field of the struct inside the item macro becomes an Rc',
        () => edit(lib, (t) => t.replace('        v: u8,', '        v: std::rc::Rc<u8>,')),
      ],
      // The fns below an edit that adds lines keep their results, moved to their new lines.
      [
        'a blank line between two async fns of lib.rs, and a line typed in one above the others',
        () =>
          edit(lib, (t) =>
            t
              .replace('pub async fn tick() {}\n', 'pub async fn tick() {}\n\n')
              .replace(
                'pub async fn hold(j: crate::worker::Job) {\n',
                'pub async fn hold(j: crate::worker::Job) {\n    let _typed = 1;\n',
              ),
          ),
      ],
      [
        'a line typed in a fn of job.rs, whose futures lib.rs reads',
        () =>
          edit(job, (t) =>
            t.replace('pub fn run<F: Send>(_f: F) {}', 'pub fn run<F: Send>(_f: F) {\n    let _typed = 1;\n}'),
          ),
      ],
      ['Job is Send again', () => edit(job, (t) => t.replace('id: std::rc::Rc<u64>,', 'id: u64,'))],
      // A bound of another trait on an unsafe impl: decided by the impls of that trait, which the
      // solver indexes by self type and keeps across edits that change no name.
      [
        'lib.rs bounds an unsafe impl Send by a trait that mod.rs implements for Job and for a type not declared yet',
        () => {
          edit(
            lib,
            (t) =>
              `${t}\npub trait Marker {}\npub struct Boxed<T>(*const T);\n// SAFETY: only moves a pointer to a Marker.\nunsafe impl<T: Marker> Send for Boxed<T> {}\npub struct UsesJob(Boxed<crate::worker::Job>);\npub struct UsesLater(Boxed<crate::worker::job::Later>);\n`,
          );
          edit(worker, (t) => `${t}\nimpl crate::Marker for job::Job {}\nimpl crate::Marker for job::Later {}\n`);
        },
      ],
      ['a field of Job changes, no name does', () => edit(job, (t) => t.replace('id: u64,', 'id: u32,'))],
      ['job.rs declares the type the impl names', () => edit(job, (t) => `${t}\npub struct Later;\n`)],
      ['a field of Job changes back, no name does', () => edit(job, (t) => t.replace('id: u32,', 'id: u64,'))],
      ['job.rs is broken half-way', () => edit(job, (t) => t.replace('pub struct Job {', 'pub struct Job { x: Rc<'))],
      ['job.rs is whole again', () => edit(job, (t) => t.replace('pub struct Job { x: Rc<', 'pub struct Job {'))],
    ];
    for (const [what, step] of steps) {
      step();
      const fresh = new Project(engine, nodeFileSystem, { HOME: '/nonexistent' });
      fresh.open(app);
      for (const [path, text] of texts) fresh.setText(path, text);
      assert.deepEqual(snapshot(live), snapshot(fresh), `after: ${what}`);
    }
    // And a file changed on disk while closed.
    live.setText(job, undefined);
    writeFileSync(
      job,
      texts.get(job)!.replace('pub type Counter = std::sync::Mutex<u8>;', 'pub type Counter = std::rc::Rc<u8>;'),
    );
    live.changedOnDisk([job]);
    texts.delete(job);
    const fresh = new Project(engine, nodeFileSystem, { HOME: '/nonexistent' });
    fresh.open(app);
    for (const [path, text] of texts) fresh.setText(path, text);
    assert.deepEqual(snapshot(live), snapshot(fresh), 'after a change on disk');
    assert.ok(
      snapshot(live).some((l) => l.includes(' future twice Send no ')),
      'the futures holding a Job follow the Rc from disk',
    );
    assert.ok(
      snapshot(live).some((l) => l.includes('worker::job::Job Send no')),
      'the Rc from disk is seen',
    );
    assert.ok(
      snapshot(live).some((l) => /^src\/lib\.rs:\d+ future-not-send$/.test(l)),
      "lib.rs's plain fn passes a future that is not Send to job.rs's Send-bounded fn",
    );
    assert.ok(
      snapshot(live).some((l) => l.includes(' UsesLater Send yes')),
      'the type declared after its impl of Marker was written is found by the bound',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
