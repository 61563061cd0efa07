import assert from 'node:assert/strict';
import { withLogContext } from '../src/log.js';
import {
  AppError,
  STATUS_BY_CODE,
  badRequest,
  conflict,
  errorForStatus,
  errorRequestId,
  errorResponse,
  forbidden,
  internal,
  notFound,
  rateLimited,
  serviceUnavailable,
  toAppError,
  unauthorized,
  validation,
} from '../src/errors.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const request = { method: 'GET', url: '/users/42?token=secret', requestId: 'req-1' };

describe('errors (core)', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('helper constructors map to their codes and statuses', () => {
    const cases: Array<[AppError, string, number]> = [
      [notFound('User', 42), 'NOT_FOUND', 404],
      [badRequest('bad'), 'BAD_REQUEST', 400],
      [validation('invalid', { issues: [] }), 'VALIDATION', 400],
      [unauthorized(), 'UNAUTHORIZED', 401],
      [forbidden(), 'FORBIDDEN', 403],
      [conflict('taken'), 'CONFLICT', 409],
      [rateLimited(), 'RATE_LIMITED', 429],
      [internal('boom'), 'INTERNAL', 500],
      [serviceUnavailable(), 'SERVICE_UNAVAILABLE', 503],
    ];
    for (const [error, code, status] of cases) {
      assert.ok(error instanceof AppError && error instanceof Error);
      assert.equal(error.code, code);
      assert.equal(error.status, status);
      assert.equal(error.status, STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE]);
      assert.equal(error.expose, status < 500);
    }
    assert.equal(notFound('User', 42).message, 'User not found');
    assert.deepEqual(notFound('User', 42).details, { id: '42' });
    assert.deepEqual(rateLimited(1.2).headers, { 'Retry-After': '2' });
    assert.throws(() => rateLimited(-1), TypeError);
  });

  it('custom domain codes need an explicit, valid status', () => {
    assert.equal(new AppError('EMAIL_TAKEN', 'taken', { status: 409 }).status, 409);
    assert.throws(() => new AppError('EMAIL_TAKEN' as never, 'taken'), /status must be an integer from 400 to 599/);
    assert.throws(() => new AppError('NOT_FOUND', 'x', { status: 200 }), TypeError);
    assert.throws(() => new AppError('' as never, 'x', { status: 400 }), /non-empty code/);
  });

  it('a 4xx AppError becomes code, message, details and request id', () => {
    const response = errorResponse(notFound('User', 42), request);
    assert.equal(response.status, 404);
    assert.deepEqual(response.body, { code: 'NOT_FOUND', message: 'User not found', details: { id: '42' }, requestId: 'req-1' });
    const line = logs.lines.find((l) => l.msg === 'request failed');
    assert.equal(line?.level, 20, '4xx are logged at debug, they are routine');
    assert.equal(line?.path, '/users/42', 'query strings (tokens) stay out of logs');
  });

  it('catalogue defect: a 5xx body never carries the message, stack or cause, but the log does', () => {
    const cause = new Error('connection string postgres://admin:hunter2@db');
    const failure = new Error('query failed for user secret@example.com', { cause });
    const response = errorResponse(failure, request);
    assert.equal(response.status, 500);
    assert.deepEqual(response.body, { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-1' });
    const text = JSON.stringify(response);
    for (const secret of ['hunter2', 'secret@example.com', 'at ', 'stack', 'cause']) assert.ok(!text.includes(secret), secret);
    const line = logs.lines.find((l) => l.msg === 'unhandled error');
    assert.equal(line?.level, 50);
    assert.equal(line?.requestId, 'req-1');
    assert.match(JSON.stringify(line?.err), /query failed for user secret@example.com/);
    assert.match(String((line?.err as { stack?: string }).stack), /errors\.test\.ts/);
  });

  it('5xx AppErrors and non-Error values are generic too; 503 keeps its code and Retry-After', () => {
    assert.deepEqual(errorResponse(internal('ledger out of balance by 4711'), request).body, {
      code: 'INTERNAL',
      message: 'Internal server error',
      requestId: 'req-1',
    });
    for (const thrown of ['raw string', 42, null, undefined, { password: 'x' }]) {
      const response = errorResponse(thrown, request);
      assert.equal(response.status, 500);
      assert.deepEqual(Object.keys(response.body), ['code', 'message', 'requestId']);
    }
    const unavailable = errorResponse(serviceUnavailable(30, 'replica lag 30s on db-3'), request);
    assert.equal(unavailable.status, 503);
    assert.deepEqual(unavailable.headers, { 'Retry-After': '30' });
    assert.deepEqual(unavailable.body, { code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable', requestId: 'req-1' });
    assert.ok(
      logs.lines.some((l) => l.thrown === 'raw string'),
      'non-Error values are logged',
    );
  });

  it('trusts a status only from AppError or an http-errors style error (expose), never from any object', () => {
    const upstream = Object.assign(new Error('GET https://api.internal/users/9 returned 404'), { status: 404 });
    assert.equal(toAppError(upstream), undefined);
    assert.equal(errorResponse(upstream, request).status, 500);
    const parse = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), {
      status: 400,
      statusCode: 400,
      expose: true,
      type: 'entity.parse.failed',
      body: '{"a":1,}',
    });
    assert.deepEqual(errorResponse(parse, request).body, { code: 'BAD_REQUEST', message: 'Malformed JSON body', requestId: 'req-1' });
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    assert.deepEqual(errorResponse(tooLarge, request).body, { code: 'PAYLOAD_TOO_LARGE', message: 'Payload too large', requestId: 'req-1' });
    const teapot = Object.assign(new Error('short and stout'), { statusCode: 418, expose: true });
    assert.equal(errorResponse(teapot, request).body.code, 'CLIENT_ERROR');
    const gateway = Object.assign(new Error('upstream down'), { status: 502, expose: false });
    assert.deepEqual(errorResponse(gateway, request).body, { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-1' });
    assert.equal(errorResponse(gateway, request).status, 502);
  });

  it('errorForStatus picks the code of the status', () => {
    assert.equal(errorForStatus(404).code, 'NOT_FOUND');
    assert.equal(errorForStatus(400).code, 'BAD_REQUEST');
    assert.equal(errorForStatus(503).code, 'SERVICE_UNAVAILABLE');
    assert.equal(errorForStatus(507).code, 'INTERNAL');
  });

  it('the request id comes from the log context, else the response header, else a fresh one', () => {
    assert.deepEqual(
      withLogContext({ requestId: 'ctx' }, () => errorRequestId('hdr')),
      { requestId: 'ctx', generated: false },
    );
    assert.deepEqual(errorRequestId('hdr'), { requestId: 'hdr', generated: false });
    const fresh = errorRequestId(undefined);
    assert.equal(fresh.generated, true);
    assert.match(fresh.requestId, /^[0-9a-f-]{36}$/);
  });
});
