// The futures of well-known async APIs, by what their `Send` depends on: tokio's locks, channels,
// sockets and timers are built on internals (intrusive lists, `poll_fn`, tracing hooks) that an
// analysis without a type checker cannot follow, yet what makes each one `Send` is simple and
// stable across tokio 1.x. Each entry says which of the receiver's type arguments (or the call's
// arguments) must be `Send` or `Sync` for the future to be `Send`; `npm run compare:tokio` checks
// them with rustc against a real tokio (the locks and channels with arguments that are and are not
// `Send`; the sockets take only `Send` ones).
import type { Ty } from '../model/resolve';

/** What a known API's future needs to be `Send`, and what awaiting it gives (a type written in the receiver type's module, `T` its first type argument). */
interface Known {
  needs: readonly Need[];
  output: string;
}

/** What one of a future's inputs must be. */
interface Need {
  /** The receiver type's type argument (`T` of `Mutex<T>`), the receiver itself, or a call argument. */
  of: { param: number } | 'self' | { arg: number };
  trait: 'Send' | 'Sync';
}

const SEND_T: readonly Need[] = [{ of: { param: 0 }, trait: 'Send' }];
const SEND_SYNC_T: readonly Need[] = [
  { of: { param: 0 }, trait: 'Send' },
  { of: { param: 0 }, trait: 'Sync' },
];
const SEND_ARG = (arg: number): readonly Need[] => [{ of: { arg }, trait: 'Send' }];

/** A type's path in its crate and a method of it, to what the method's future needs and gives. */
const KNOWN: Record<string, Record<string, Known>> = {
  tokio: {
    // A lock's future holds `&Mutex<T>` (Sync when `T: Send`) and its semaphore.
    'sync::mutex::Mutex::lock': { needs: SEND_T, output: 'MutexGuard<T>' },
    'sync::rwlock::RwLock::read': { needs: SEND_SYNC_T, output: 'RwLockReadGuard<T>' },
    'sync::rwlock::RwLock::write': { needs: SEND_SYNC_T, output: 'RwLockWriteGuard<T>' },
    'sync::semaphore::Semaphore::acquire': { needs: [], output: 'Result<SemaphorePermit, AcquireError>' },
    'sync::semaphore::Semaphore::acquire_many': { needs: [], output: 'Result<SemaphorePermit, AcquireError>' },
    'sync::mpsc::bounded::Sender::send': { needs: SEND_T, output: 'Result<(), SendError<T>>' },
    'sync::mpsc::bounded::Sender::reserve': { needs: SEND_T, output: 'Result<Permit<T>, SendError<()>>' },
    'sync::mpsc::bounded::Receiver::recv': { needs: SEND_T, output: 'Option<T>' },
    'sync::mpsc::unbounded::UnboundedReceiver::recv': { needs: SEND_T, output: 'Option<T>' },
    'sync::broadcast::Receiver::recv': { needs: SEND_T, output: 'Result<T, RecvError>' },
    'sync::watch::Receiver::changed': { needs: SEND_SYNC_T, output: 'Result<(), RecvError>' },
    'time::interval::Interval::tick': { needs: [], output: 'Instant' },
    'net::tcp::listener::TcpListener::bind': { needs: SEND_ARG(0), output: 'std::io::Result<TcpListener>' },
    'net::tcp::listener::TcpListener::accept': { needs: [], output: 'std::io::Result<(TcpStream, SocketAddr)>' },
    'net::tcp::stream::TcpStream::connect': { needs: SEND_ARG(0), output: 'std::io::Result<TcpStream>' },
    'net::udp::UdpSocket::bind': { needs: SEND_ARG(0), output: 'std::io::Result<UdpSocket>' },
    'net::udp::UdpSocket::connect': { needs: SEND_ARG(0), output: 'std::io::Result<()>' },
    'net::udp::UdpSocket::send_to': { needs: SEND_ARG(1), output: 'std::io::Result<usize>' },
    'net::udp::UdpSocket::recv_from': { needs: [], output: 'std::io::Result<(usize, SocketAddr)>' },
    'net::udp::UdpSocket::send': { needs: [], output: 'std::io::Result<usize>' },
    'net::udp::UdpSocket::recv': { needs: [], output: 'std::io::Result<usize>' },
  },
};

/**
 * tokio's `AsyncReadExt` and `AsyncWriteExt` methods on its sockets: each future holds `&mut Self`
 * (and the buffer), so it is `Send` when the receiver is.
 */
const IO_TYPES = new Set(['net::tcp::stream::TcpStream', 'net::unix::stream::UnixStream']);
const IO_EXT_METHODS: Record<string, string> = {
  read: 'std::io::Result<usize>',
  read_exact: 'std::io::Result<usize>',
  read_to_end: 'std::io::Result<usize>',
  read_to_string: 'std::io::Result<usize>',
  read_buf: 'std::io::Result<usize>',
  write: 'std::io::Result<usize>',
  write_all: 'std::io::Result<()>',
  write_buf: 'std::io::Result<usize>',
  flush: 'std::io::Result<()>',
  shutdown: 'std::io::Result<()>',
};

/**
 * The future a call of a known API returns, as what its `Send` is made of (a tuple of those
 * inputs), and the type its `.await` gives, written in the receiver type's module (`output`, to be
 * read with `T` the receiver's first type argument).
 */
export function knownFuture(
  crate: string | undefined,
  typePath: string,
  method: string,
  receiver: { self: Ty; args: Ty[] } | undefined,
  callArgs: (Ty | undefined)[],
): { future: Ty; output: string } | undefined {
  if (crate === undefined) return undefined;
  const io = crate === 'tokio' && IO_TYPES.has(typePath) ? IO_EXT_METHODS[method] : undefined;
  const known =
    KNOWN[crate]?.[`${typePath}::${method}`] ??
    (io !== undefined ? { needs: [{ of: 'self', trait: 'Send' } as const], output: io } : undefined);
  if (known === undefined) return undefined;
  const elems: Ty[] = [];
  for (const need of known.needs) {
    const ty =
      need.of === 'self' ? receiver?.self : 'param' in need.of ? receiver?.args[need.of.param] : callArgs[need.of.arg];
    if (ty === undefined) return undefined;
    // `&T` is `Send` exactly when `T` is `Sync`.
    elems.push(need.trait === 'Send' ? ty : { k: 'ref', mut: false, inner: ty, text: `&${ty.text}` });
  }
  const name = typePath.split('::').pop() ?? typePath;
  return { future: { k: 'tuple', elems, text: `${crate}::${name}::${method}(..) future` }, output: known.output };
}
