//! Four small types that show what rust-send-sync reports. Run `npm run demo` in the
//! repository root to see the verdicts and findings, or open this folder in VS Code with the
//! extension installed and hover each type name.
#![allow(dead_code)]

use std::cell::UnsafeCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

/// 1. A raw-pointer wrapper made `Send` for every `T`. Three findings: no SAFETY comment, the raw
///    pointer field is not explained, and `T: Send` is missing (a `MySend<Rc<u8>>` could cross
///    threads and race on the reference count).
pub struct MySend<T> {
    ptr: *mut T,
}

unsafe impl<T> Send for MySend<T> {}

/// 2. A spin lock: `Sync` by hand, bounded by `T: Send` as `Mutex<T>` is, with a SAFETY comment
///    that names the field it is about. Nothing to flag.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: `value` is only reached by the thread that set `locked`, so one thread at a time has
// `&mut T`: like `Mutex<T>`, this needs `T: Send` and not `T: Sync`.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        while self.locked.swap(true, Ordering::Acquire) {
            std::hint::spin_loop();
        }
        // SAFETY: `locked` was false and is now ours, so no other thread is inside `value`.
        let result = f(unsafe { &mut *self.value.get() });
        self.locked.store(false, Ordering::Release);
        result
    }
}

/// 3. An FFI client that owns a C handle, sent between threads with a justification.
#[repr(C)]
pub struct RawClient {
    _private: [u8; 0],
}

pub struct Client {
    raw: *mut RawClient,
}

// SAFETY: the C library allows a client handle to move between threads as long as one thread
// at a time uses it; `raw` is owned by this `Client` and freed once, in Drop.
unsafe impl Send for Client {}

/// 4. Plain owned data: `Send` and `Sync` by the compiler's own rule; hover says so.
pub struct Container {
    a: u32,
    b: i64,
    c: String,
}

/// Not `Send`, not `Sync`: hover shows which field and why.
pub struct Cache {
    entries: Rc<Vec<u8>>,
}
