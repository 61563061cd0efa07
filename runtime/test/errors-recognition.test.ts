// toAppError: which thrown values get to choose their status and message. A wrong "yes" leaks an upstream's
// status or a library's message to the client; a wrong "no" turns the client's own mistake into a 500.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError, toAppError } from '../src/errors.js';

/** An http-errors style error (body-parser, Koa, @fastify/sensible). */
const httpError = (fields: Record<string, unknown>) => Object.assign(new Error('library message'), { expose: true, ...fields });
/** The repository pattern's input errors: they wrote their code and message for the client. */
const clientWritten = (fields: Record<string, unknown>) =>
  httpError({ status: 400, exposeMessage: true, code: 'INVALID_CURSOR', message: 'Invalid cursor', ...fields });

describe('errors: toAppError', () => {
  it('returns an AppError as it is and ignores primitives and objects without the http-errors shape', () => {
    const appError = new AppError('CONFLICT', 'taken');
    assert.equal(toAppError(appError), appError);
    for (const value of [null, undefined, 'x', 404, () => 404]) assert.equal(toAppError(value), undefined);
    assert.equal(toAppError({ status: 404 }), undefined, 'a status without expose is an upstream’s, not ours');
    assert.equal(toAppError({ status: 404, expose: 'true' }), undefined, 'expose must be a boolean');
  });

  it('trusts an http-errors status from 400 to 599 (status, else statusCode) and nothing outside', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 599 }), fc.boolean(), (status, viaStatusCode) => {
        const error = httpError(viaStatusCode ? { statusCode: status } : { status });
        const recognised = toAppError(error);
        assert.equal(recognised?.status, status);
        assert.equal(recognised?.cause, error, 'the original error stays the cause, for the log');
        assert.notEqual(recognised?.message, 'library message', 'the library’s message is not sent');
      }),
    );
    assert.equal(toAppError(httpError({ status: 'teapot', statusCode: 404 }))?.status, 404);
    for (const status of [399, 600, 404.5, 200, Number.NaN]) {
      assert.equal(toAppError(httpError({ status })), undefined, String(status));
      assert.equal(toAppError(httpError({ statusCode: status })), undefined, String(status));
    }
  });

  it('sends the code and message an error wrote for the client (exposeMessage), cut to 300 characters', () => {
    const recognised = toAppError(clientWritten({}));
    assert.deepEqual(
      { code: recognised?.code, message: recognised?.message, status: recognised?.status },
      { code: 'INVALID_CURSOR', message: 'Invalid cursor', status: 400 },
    );
    assert.equal(recognised?.cause instanceof Error, true);
    assert.equal(toAppError(clientWritten({ status: 422, message: 'x'.repeat(301) }))?.message, 'x'.repeat(300));
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][A-Z0-9_]{1,63}$/), (code) => {
        assert.equal(toAppError(clientWritten({ code }))?.code, code);
      }),
    );
  });

  it('falls back to the status’s generic code and message when any exposeMessage condition fails', () => {
    const generic = { code: 'BAD_REQUEST', message: 'Bad request' };
    const failing: Array<[string, Record<string, unknown>]> = [
      ['not exposed', { expose: false }],
      ['exposeMessage not exactly true', { exposeMessage: 'yes' }],
      ['code not a string', { code: 42 }],
      ['code in lower case', { code: 'invalid_cursor' }],
      ['code starting with a digit', { code: '1NVALID' }],
      ['code of one character', { code: 'X' }],
      ['code of 65 characters', { code: `A${'B'.repeat(64)}` }],
      ['code with a space', { code: 'INVALID CURSOR' }],
      ['code with a prefix', { code: 'x INVALID' }],
      ['code with a suffix', { code: 'INVALID x' }],
      ['code with a hyphen', { code: 'Z-DATA' }],
      ['message not a string', { message: 42 }],
      ['empty message', { message: '' }],
    ];
    for (const [why, fields] of failing) {
      const recognised = toAppError(clientWritten(fields));
      assert.deepEqual({ code: recognised?.code, message: recognised?.message }, generic, why);
    }
    const fromServer = toAppError(clientWritten({ status: 500 }));
    assert.deepEqual({ code: fromServer?.code, status: fromServer?.status }, { code: 'INTERNAL', status: 500 }, 'a 5xx never picks its code');
    assert.equal(toAppError(clientWritten({ code: `A${'B'.repeat(63)}` }))?.code, `A${'B'.repeat(63)}`, '64 characters is the longest code');
    assert.equal(toAppError(clientWritten({ code: 'AB' }))?.code, 'AB', 'two characters is the shortest code');
  });

  it("body-parser's JSON parse failure is 'Malformed JSON body' whatever its status field says", () => {
    const parse = httpError({ status: 400, type: 'entity.parse.failed', exposeMessage: true, code: 'PARSE' });
    const recognised = toAppError(parse);
    assert.deepEqual(
      { code: recognised?.code, message: recognised?.message, cause: recognised?.cause },
      { code: 'BAD_REQUEST', message: 'Malformed JSON body', cause: parse },
    );
  });
});
