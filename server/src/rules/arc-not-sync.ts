// arc-not-sync: `Arc::new(x)` where `x`'s type is surely not `Send + Sync`. `Arc<T>` is `Send`
// and `Sync` only when `T` is both, so such an `Arc` can never reach another thread: it costs
// atomic reference counting and buys nothing over `Rc`. Information only, and only for a sure
// `no` (a generic or untyped value is never flagged).
import type { RuleContext } from './context';
import type { Hit, Rule } from './rule';

export const arcNotSync = {
  code: 'arc-not-sync',
  title: 'An Arc of a value that is not Send + Sync',
  help: '`Arc<T>` is `Send` and `Sync` only when `T` is both `Send` and `Sync`, so an `Arc` of a value that is not (a `Cell`, a `RefCell`, an `Rc`) cannot be shared with or sent to another thread, and its atomic reference count buys nothing. Use `Rc`, or make the value thread-safe (a `Mutex`, an atomic).',
  defaultLevel: 'information',
  check(ctx: RuleContext): Hit[] {
    return ctx.futures.arcs
      .filter((a) => a.send.status === 'no' || a.sync.status === 'no')
      .map((a) => {
        const missing = [a.send.status === 'no' ? '`Send`' : '', a.sync.status === 'no' ? '`Sync`' : '']
          .filter(Boolean)
          .join(' or ');
        return {
          message: `\`Arc\` buys nothing here: \`${a.ty}\` is not ${missing}, so \`Arc<${a.ty}>\` is neither \`Send\` nor \`Sync\`; use \`Rc\`, or make the value \`Sync\` (a \`Mutex\`, an atomic)`,
          range: a.range,
          fixes: [],
        };
      });
  },
} as const satisfies Rule;
