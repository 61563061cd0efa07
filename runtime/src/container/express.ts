/**
 * Bulwark pattern: container/express
 * Express 5 middleware giving each request its own container Scope, disposed when the response finishes or the client aborts.
 *
 * Patterns used: container, log
 * Packages used: @types/express (dev)
 */
import type { Request, RequestHandler } from 'express';
import type { Container, Scope } from '../container.js';
import { logger } from '../log.js';

const scopes = new WeakMap<Request, Scope>();

/** `app.use(requestScope(container))` before the routes that call {@link scopeOf}. */
export function requestScope(container: Container): RequestHandler {
  return (req, res, next) => {
    const scope = container.createScope();
    scopes.set(req, scope);
    // 'close' follows 'finish' on a completed response and comes alone when the client goes away,
    // so it covers both ends of a request exactly once.
    res.once('close', () => {
      scope.dispose().catch((error: unknown) => logger.error({ err: error }, 'request scope disposal failed'));
    });
    next();
  };
}

/** The request's scope: `await scopeOf(req).resolve(UserService)`. */
export function scopeOf(req: Request): Scope {
  const scope = scopes.get(req);
  if (!scope) throw new Error('no request scope on this request: add app.use(requestScope(container)) before this route');
  return scope;
}
