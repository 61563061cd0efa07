/**
 * Bulwark pattern: container/fastify
 * Fastify 5 plugin giving each request its own container Scope, disposed when the response is sent or the client aborts.
 *
 * Patterns used: container, log
 * Packages used: fastify
 */
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { Container, Scope } from '../container.js';
import { logger } from '../log.js';

export interface RequestScopeOptions {
  container: Container;
}

const scopes = new WeakMap<FastifyRequest, Scope>();

/** `await app.register(requestScope, { container })` before your routes; applies app-wide (not encapsulated). */
export const requestScope: FastifyPluginCallback<RequestScopeOptions> = (app: FastifyInstance, options: RequestScopeOptions, done: (error?: Error) => void) => {
  const container = options.container;
  if (!container || typeof container.createScope !== 'function') {
    done(new TypeError('requestScope needs { container }: app.register(requestScope, { container })'));
    return;
  }
  app.addHook('onRequest', (request, _reply, next) => {
    scopes.set(request, container.createScope());
    next();
  });
  // onResponse runs after the last byte was handed to the socket; onRequestAbort when the client left first.
  app.addHook('onResponse', async (request) => {
    await disposeScopeOf(request);
  });
  app.addHook('onRequestAbort', async (request) => {
    await disposeScopeOf(request);
  });
  done();
};

// Same effect as wrapping with `fastify-plugin`, without the extra dependency: hooks apply app-wide.
Object.assign(requestScope, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'bulwark-request-scope',
});

/** The request's scope: `await scopeOf(request).resolve(UserService)`. */
export function scopeOf(request: FastifyRequest): Scope {
  const scope = scopes.get(request);
  if (!scope) throw new Error('no request scope on this request: register requestScope before this route');
  return scope;
}

async function disposeScopeOf(request: FastifyRequest): Promise<void> {
  try {
    await scopes.get(request)?.dispose();
  } catch (error) {
    logger.error({ err: error }, 'request scope disposal failed');
  }
}
