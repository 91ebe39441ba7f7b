// The one rule every handler follows: no input may kill the server. A handler's work runs under
// `guard`, which logs an exception with what was being done and answers a harmless fallback.
import { describeError, type Logger } from './analysis';

/** Runs `fn`; on an exception, logs it and returns `fallback`: no input may kill the server. */
export function guard<T>(logger: Logger, what: string, fallback: T, fn: () => T | Promise<T>): Promise<T> {
  return (async () => {
    try {
      return await fn();
    } catch (error) {
      logger.error(`${what} failed: ${describeError(error)}`);
      return fallback;
    }
  })();
}
