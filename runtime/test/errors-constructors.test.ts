// AppError, its helper constructors and errorForStatus: what a client ends up reading in a 4xx body (default
// messages, details, Retry-After) and which statuses an AppError refuses.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AppError,
  STATUS_BY_CODE,
  badRequest,
  conflict,
  errorForStatus,
  forbidden,
  internal,
  notFound,
  rateLimited,
  serviceUnavailable,
  unauthorized,
  validation,
} from '../src/errors.js';

describe('errors: AppError', () => {
  it('is named AppError, keeps its cause for the logs and has no headers or details unless given', () => {
    const cause = new Error('db down');
    const error = new AppError('INTERNAL', 'x', { cause });
    assert.equal(error.name, 'AppError');
    assert.equal(error.cause, cause);
    assert.deepEqual(error.headers, {});
    assert.equal(error.details, undefined);
    assert.equal('cause' in new AppError('INTERNAL', 'x'), false, 'no cause property when none was given');
    assert.equal('cause' in new AppError('INTERNAL', 'x', { cause: undefined }), false);
  });

  it('accepts every integer status from 400 to 599 and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 599 }), (status) => {
        const error = new AppError('CUSTOM', 'm', { status });
        assert.equal(error.status, status);
        assert.equal(error.expose, status < 500);
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ max: 399 }),
          fc.integer({ min: 600 }),
          fc.double({ min: 400, max: 599 }).filter((n) => !Number.isInteger(n)),
        ),
        (status) => {
          assert.throws(() => new AppError('CUSTOM', 'm', { status }), /AppError CUSTOM: status must be an integer from 400 to 599/);
        },
      ),
    );
    assert.throws(() => new AppError('CUSTOM', 'm', { status: Number.NaN }), TypeError);
  });

  it('refuses a code that is not a non-empty string', () => {
    assert.throws(() => new AppError(42 as never, 'x', { status: 400 }), /AppError needs a non-empty code/);
    assert.throws(() => new AppError('', 'x', { status: 400 }), /AppError needs a non-empty code/);
  });
});

describe('errors: helper constructors', () => {
  it('default to messages a client can read', () => {
    const cases: Array<[AppError, string, string]> = [
      [notFound(), 'NOT_FOUND', 'Resource not found'],
      [badRequest(), 'BAD_REQUEST', 'Bad request'],
      [validation(), 'VALIDATION', 'Validation failed'],
      [unauthorized(), 'UNAUTHORIZED', 'Authentication required'],
      [forbidden(), 'FORBIDDEN', 'Forbidden'],
      [conflict(), 'CONFLICT', 'Conflict'],
      [rateLimited(), 'RATE_LIMITED', 'Too many requests'],
      [serviceUnavailable(), 'SERVICE_UNAVAILABLE', 'Service unavailable'],
      [internal(), 'INTERNAL', 'Internal error'],
    ];
    for (const [error, code, message] of cases) assert.deepEqual({ code: error.code, message: error.message }, { code, message });
  });

  it('pass the caller’s message, details and cause through', () => {
    const issues = { issues: [{ path: 'email', message: 'is taken' }] };
    assert.deepEqual(notFound('Order').details, undefined);
    assert.deepEqual(notFound('Order', 7n).details, { id: '7' });
    assert.deepEqual([badRequest('b', issues).details, validation('v', issues).details, conflict('c', issues).details], [issues, issues, issues]);
    assert.equal(rateLimited(1, 'slow down').message, 'slow down');
    assert.equal(serviceUnavailable(1, 'replica lag').message, 'replica lag');
    const cause = new Error('ledger');
    assert.equal(internal('boom', cause).cause, cause);
  });

  it('Retry-After is the wait rounded up to whole seconds, in the header and the details; 0 is a valid wait', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (seconds) => {
        for (const error of [rateLimited(seconds), serviceUnavailable(seconds)]) {
          assert.deepEqual(error.headers, { 'Retry-After': String(Math.ceil(seconds)) });
          assert.deepEqual(error.details, { retryAfterSeconds: Math.ceil(seconds) });
        }
      }),
    );
    assert.deepEqual(rateLimited(0).headers, { 'Retry-After': '0' });
    assert.deepEqual([rateLimited().headers, rateLimited().details], [{}, undefined]);
    for (const bad of [-0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => rateLimited(bad), /retryAfterSeconds must be a non-negative number/);
      assert.throws(() => serviceUnavailable(bad), TypeError);
    }
  });
});

describe('errors: errorForStatus', () => {
  it('gives each status its own code and a generic message that says what went wrong', () => {
    const expected: Array<[number, string, string]> = [
      [400, 'BAD_REQUEST', 'Bad request'],
      [401, 'UNAUTHORIZED', 'Authentication required'],
      [403, 'FORBIDDEN', 'Forbidden'],
      [404, 'NOT_FOUND', 'Not found'],
      [405, 'METHOD_NOT_ALLOWED', 'Method not allowed'],
      [408, 'CLIENT_ERROR', 'Request timeout'],
      [409, 'CONFLICT', 'Conflict'],
      [410, 'GONE', 'Gone'],
      [413, 'PAYLOAD_TOO_LARGE', 'Payload too large'],
      [414, 'CLIENT_ERROR', 'URI too long'],
      [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
      [418, 'CLIENT_ERROR', 'Request failed'],
      [429, 'RATE_LIMITED', 'Too many requests'],
      [431, 'CLIENT_ERROR', 'Request header fields too large'],
      [499, 'CLIENT_ERROR', 'Request failed'],
      [500, 'INTERNAL', 'Internal server error'],
      [502, 'INTERNAL', 'Internal server error'],
      [503, 'SERVICE_UNAVAILABLE', 'Service unavailable'],
      [599, 'INTERNAL', 'Internal server error'],
    ];
    for (const [status, code, message] of expected) {
      const error = errorForStatus(status);
      assert.deepEqual({ status: error.status, code: error.code, message: error.message }, { status, code, message });
    }
  });

  it('never picks a code whose status differs, and keeps a given message, headers and cause', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 599 }), (status) => {
        const { code } = errorForStatus(status);
        const known = (STATUS_BY_CODE as Record<string, number>)[code];
        assert.ok(known === status || code === (status >= 500 ? 'INTERNAL' : 'CLIENT_ERROR'), `${status} -> ${code}`);
      }),
    );
    const cause = new Error('parser');
    const error = errorForStatus(400, 'Malformed JSON body', { headers: { 'X-Hint': 'json' }, cause });
    assert.deepEqual(
      { message: error.message, headers: error.headers, cause: error.cause },
      { message: 'Malformed JSON body', headers: { 'X-Hint': 'json' }, cause },
    );
  });
});
