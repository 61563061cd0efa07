// A bad `requestIdHeader` option (a space, a CR/LF, not a string) is refused when the handler is
// created. Before, Express and Hono answered every error with a generic 500 quoting no request id,
// Fastify dropped the connection, and the raw client-error response wrote the name as it was given.
import assert from 'node:assert/strict';
import { clientErrorResponseText, requestIdHeaderName } from '../src/errors.js';
import * as expressErrors from '../src/errors/express.js';
import * as fastifyErrors from '../src/errors/fastify.js';
import * as honoErrors from '../src/errors/hono.js';

const BAD_NAMES: readonly unknown[] = ['Bad Header', 'X-Id\r\nSet-Cookie: a=1', '', 'X-Id:', 'Ünïcode', 42, null];

const factories: Record<string, (requestIdHeader: string) => unknown> = {
  'express errorHandler': (requestIdHeader) => expressErrors.errorHandler({ requestIdHeader }),
  'express clientErrorHandler': (requestIdHeader) => expressErrors.clientErrorHandler({ requestIdHeader }),
  'fastify errorHandler': (requestIdHeader) => fastifyErrors.errorHandler({ requestIdHeader }),
  'fastify clientErrorHandler': (requestIdHeader) => fastifyErrors.clientErrorHandler({ requestIdHeader }),
  'hono errorHandler': (requestIdHeader) => honoErrors.errorHandler({ requestIdHeader }),
  'hono notFoundHandler': (requestIdHeader) => honoErrors.notFoundHandler({ requestIdHeader }),
  'hono clientErrorHandler': (requestIdHeader) => honoErrors.clientErrorHandler({ requestIdHeader }),
};

describe('errors: the requestIdHeader option', () => {
  for (const [name, create] of Object.entries(factories)) {
    it(`${name} refuses a name that is not an HTTP header name, and takes one that is`, () => {
      for (const bad of BAD_NAMES) {
        assert.throws(() => create(bad as string), { name: 'TypeError', message: /requestIdHeader must be an HTTP header name/ }, JSON.stringify(bad));
      }
      assert.equal(typeof create("X-Trace_Id.v2!#$%&'*+^`|~"), 'function');
    });
  }

  it('defaults to X-Request-ID, and the raw client-error response carries the name given', () => {
    assert.equal(requestIdHeaderName(undefined), 'X-Request-ID');
    assert.match(clientErrorResponseText(new Error('bad'), 'X-Trace-Id') ?? '', /\r\nX-Trace-Id: [0-9a-f-]{36}\r\n\r\n/);
    assert.match(clientErrorResponseText(new Error('bad')) ?? '', /\r\nX-Request-ID: [0-9a-f-]{36}\r\n\r\n/);
  });

  it('never splits the raw client-error response', () => {
    assert.throws(() => clientErrorResponseText(new Error('bad'), 'X-Id\r\nSet-Cookie: a=1'), TypeError);
  });
});
