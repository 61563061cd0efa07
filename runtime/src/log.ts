/**
 * Bulwark pattern: log
 * Structured JSON logging over pino, with per-request context (request id) that every log line carries.
 *
 * Patterns used: none
 * Packages used: pino
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Fields merged into every log line written while the context is active (e.g. `requestId`). */
export type LogContext = Readonly<Record<string, string | number | boolean>>;

const contextStorage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to the active context; nested calls inherit outer fields. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const outer = contextStorage.getStore();
  return contextStorage.run(outer ? { ...outer, ...fields } : fields, fn);
}

/** The context active for the current async call chain, or an empty object outside any. */
export function currentLogContext(): LogContext {
  return contextStorage.getStore() ?? {};
}

/**
 * Creates a logger whose every line carries the active {@link LogContext}.
 * Defaults: level from `LOG_LEVEL` (else `info`), JSON to stdout.
 */
export function createLogger(options: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const settings: LoggerOptions = {
    level: process.env.LOG_LEVEL ?? 'info',
    ...options,
    mixin: (mergeObject, level, logger) => ({
      ...currentLogContext(),
      ...options.mixin?.(mergeObject, level, logger),
    }),
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** The process-wide default logger; replace it with {@link setLogger} (tests, custom transports). */
export let logger: Logger = createLogger();

export function setLogger(next: Logger): void {
  logger = next;
}
