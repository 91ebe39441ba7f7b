// value-not-send: a value that is not `Send` passed where `Send` is required: a closure given to
// `std::thread::spawn` that captures an `Rc`, or any argument of a `Send`-bounded parameter whose
// type is surely not `Send`. The captured values are linked where they are declared.
import type { RuleContext } from './context';
import type { Hit, Rule } from './rule';

export const valueNotSend = {
  code: 'value-not-send',
  title: 'A value that is not Send is passed where Send is required',
  help: 'The argument (or what a closure captures) is not `Send`, so it cannot move to another thread, and the call requires that it can. Use a thread-safe type (`Arc` for `Rc`, `Mutex` for `RefCell`), or create the value inside the closure.',
  defaultLevel: 'warning',
  check(ctx: RuleContext): Hit[] {
    return ctx.futures.requirements
      .filter((r) => r.kind === 'value' && r.status === 'no')
      .map((r) => ({
        message: `\`${r.callee}\` requires a \`Send\` argument, but \`${r.argText.length > 60 ? `${r.argText.slice(0, 57)}...` : r.argText}\` is not \`Send\`: ${r.reasons[0] ?? 'it is not `Send`'}`,
        range: r.range,
        fixes: [],
        related: r.held.filter((h) => h.status === 'no').map((h) => ({ range: h.declRange, message: h.reason })),
      }));
  },
} as const satisfies Rule;
