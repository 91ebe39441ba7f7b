//! "Why is my future not `Send`?": the async shapes that trip users, each beside its fix. Not part
//! of the examples crate on purpose: rustc rejects the three calls the tool flags (the test in
//! test/cli/examples.test.ts compiles this file and checks that rustc and the tool agree).
#![allow(dead_code)]

use std::future::Future;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// A runtime's spawn, as tokio's: the task must be `Send` to move between worker threads.
pub fn spawn<F: Future + Send + 'static>(_task: F) {}

async fn save(_n: u32) {}

/// Holds the std `MutexGuard` across `.await`: not `Send` (hover `count_hits`).
async fn count_hits(hits: Arc<Mutex<u32>>) {
    let mut guard = hits.lock().unwrap();
    *guard += 1;
    save(*guard).await;
}

/// Fixed: the guard lives in a block that ends before the `.await`.
async fn count_hits_fixed(hits: Arc<Mutex<u32>>) {
    let n = {
        let mut guard = hits.lock().unwrap();
        *guard += 1;
        *guard
    };
    save(n).await;
}

/// Still holds the guard at the `.await`, despite `drop(guard)`: the guard was used first, and
/// rustc keeps a local that was borrowed to the end of its scope. The quick fix (see `npm run
/// demo`'s `= help:`) puts it in a block that ends before the `.await`.
async fn reset_hits(hits: Arc<Mutex<u32>>) {
    let mut guard = hits.lock().unwrap();
    *guard = 0;
    drop(guard);
    save(0).await;
}

/// Holds an `Rc` across `.await`: not `Send`.
async fn report(name: String) {
    let label = Rc::new(name);
    save(label.len() as u32).await;
}

/// Fixed: `Arc` instead of `Rc`.
async fn report_fixed(name: String) {
    let label = Arc::new(name);
    save(label.len() as u32).await;
}

pub fn start(hits: Arc<Mutex<u32>>) {
    spawn(count_hits(hits));
}

pub fn start_fixed(hits: Arc<Mutex<u32>>) {
    spawn(count_hits_fixed(hits));
}

pub fn start_reset(hits: Arc<Mutex<u32>>) {
    spawn(reset_hits(hits));
}

pub fn start_report() {
    spawn(report(String::from("hits")));
}

pub fn start_report_fixed() {
    spawn(report_fixed(String::from("hits")));
}
