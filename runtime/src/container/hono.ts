/**
 * Bulwark pattern: container/hono
 * Hono middleware giving each request its own container Scope, disposed when the handler has produced the response or the client aborts.
 *
 * Patterns used: container, log
 * Packages used: hono
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Container, Scope } from '../container.js';
import { logger } from '../log.js';

const scopes = new WeakMap<Context, Scope>();

/**
 * `app.use(requestScope(container))` before the routes that call {@link scopeOf}. The scope is disposed once
 * the downstream handlers return, so a streamed body must not use scoped services after its handler returned.
 */
export function requestScope(container: Container): MiddlewareHandler {
  return async (c, next) => {
    const scope = container.createScope();
    scopes.set(c, scope);
    // Shared by the abort listener and the finally below, so a failed disposal is logged once per request.
    let disposal: Promise<void> | undefined;
    const dispose = () => (disposal ??= scope.dispose().catch((error: unknown) => logger.error({ err: error }, 'request scope disposal failed')));
    // Left attached: an abort after the handler returned (a streamed body) finds the disposal already made.
    c.req.raw.signal.addEventListener('abort', dispose);
    try {
      await next();
    } finally {
      await dispose();
    }
  };
}

/** The request's scope: `await scopeOf(c).resolve(UserService)`. */
export function scopeOf(c: Context): Scope {
  const scope = scopes.get(c);
  if (!scope) throw new Error('no request scope on this request: add app.use(requestScope(container)) before this route');
  return scope;
}
