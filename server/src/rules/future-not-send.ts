// future-not-send: a future that is not `Send` passed where `Send` is required (`tokio::spawn`, a
// crate's own `fn spawn<F: Future + Send>`): rustc rejects it with "future cannot be sent between
// threads safely". The diagnostic is on the call; the values the future holds across `.await` are
// linked at their `let` and at the `.await`. Only a sure `no` is reported, never an `unknown`.
import type { RuleContext } from './context';
import type { Hit, Related, Rule } from './rule';

export const futureNotSend = {
  code: 'future-not-send',
  title: 'A future that is not Send is passed where Send is required',
  help: 'The future holds a value that is not `Send` (a `MutexGuard`, an `Rc`, a `RefCell` borrow) across an `.await`, so it cannot move between threads, and the call requires that it can. Drop the value before the `.await` (end its block, or move it away before any borrow), or use a `Send` alternative (`Arc`, an async mutex).',
  defaultLevel: 'warning',
  check(ctx: RuleContext): Hit[] {
    return ctx.futures.requirements
      .filter((r) => r.kind === 'future' && r.status === 'no')
      .map((r) => {
        const related: Related[] = [];
        for (const h of r.held.filter((x) => x.status === 'no')) {
          related.push({ range: h.declRange, message: h.reason });
          if (h.awaitRange)
            related.push({ range: h.awaitRange, message: `\`${h.name}\` is still held at this \`.await\`` });
        }
        return {
          message: `\`${r.callee}\` requires a \`Send\` future, but \`${r.argText}\` is not \`Send\`: ${r.reasons[0] ?? 'it holds a value that is not `Send`'}`,
          range: r.range,
          fixes: [],
          related,
        };
      });
  },
} as const satisfies Rule;
