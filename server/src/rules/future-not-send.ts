// future-not-send: a future that is not `Send` passed where `Send` is required (`tokio::spawn`, a
// crate's own `fn spawn<F: Future + Send>`): rustc rejects it with "future cannot be sent between
// threads safely". The diagnostic is on the call; the values the future holds across `.await` are
// linked at their `let` and at the `.await`. The fix scopes the held local in a block that ends
// before the `.await` when that is sure to work (scope-fix.ts); otherwise the message says what to
// use instead (an async mutex, `Arc`, `spawn_local`). Only a sure `no` is reported, never an `unknown`.
import type { RuleContext } from './context';
import type { Fix, Hit, Related, Rule } from './rule';
import { rewriteHint, scopeFix } from './scope-fix';

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
        const notSend = r.held.filter((x) => x.status === 'no');
        // One value keeps the future from being Send: scoping it fixes the finding (with two, one
        // fix alone would not).
        const fix = notSend.length === 1 ? scopeFix(ctx.root, ctx.lines, notSend[0]) : undefined;
        const fixes: Fix[] = fix ? [fix] : [];
        for (const h of notSend) {
          related.push({ range: h.declRange, message: h.reason });
          if (h.awaitRange)
            related.push({ range: h.awaitRange, message: `\`${h.name}\` is still held at this \`.await\`` });
        }
        return {
          message: `\`${r.callee}\` requires a \`Send\` future, but \`${r.argText}\` is not \`Send\`: ${r.reasons[0] ?? 'it holds a value that is not `Send`'}${fix ? '' : rewriteHint(notSend)}`,
          range: r.range,
          fixes,
          related,
        };
      });
  },
} as const satisfies Rule;
