// What each rule code means to a reader: its one-line title, a short help text and the link to
// its README section. Pure data, shared by the server (diagnostic links, settings descriptions),
// the CLI's SARIF driver and the tests. Knows nothing of LSP.
import type { RuleCode } from '../model/report';

export const DOCS_BASE_URL = 'https://github.com/rust-send-sync/rust-send-sync';
export const SEND_SYNC_DOCS_URL = 'https://doc.rust-lang.org/nomicon/send-and-sync.html';

export interface RuleDoc {
  title: string;
  help: string;
}

export const RULE_DOCS: Record<RuleCode, RuleDoc> = {
  'missing-safety-comment': {
    title: 'unsafe impl Send/Sync without a SAFETY comment',
    help: 'An `unsafe impl Send` or `unsafe impl Sync` should say, in a `// SAFETY:` comment above it, why the type is safe to send or share across threads.',
  },
  'risky-field': {
    title: 'unsafe impl Send/Sync over a type with risky fields',
    help: 'The type holds raw pointers, `NonNull`, `UnsafeCell`, `Cell`, `RefCell`, `Rc`, guards or references, which are why the compiler refused the auto impl; check each one is really thread-safe and say why in the SAFETY comment.',
  },
  'missing-bound': {
    title: 'generic unsafe impl Send/Sync without the bound it needs',
    help: 'A generic `unsafe impl<T> Send/Sync` without `T: Send`/`T: Sync` lets a non-thread-safe `T` cross threads. For `Sync` the bound follows from the type\'s `&self` methods: handing out `&T` needs `T: Sync`, moving a `T` in or out needs `T: Send`.',
  },
  'unnecessary-unsafe-impl': {
    title: 'unsafe impl Send/Sync that the compiler would derive anyway',
    help: 'Every field is already `Send`/`Sync` under the impl\'s own conditions, so the auto rule gives the same impl; removing the `unsafe impl` lets the compiler keep checking fields added later.',
  },
};

export function ruleDocsUrl(code: string): string {
  return `${DOCS_BASE_URL}#${code}`;
}
