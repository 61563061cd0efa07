// errorResponse beyond the happy path: the log lines an operator searches for, details and headers that
// cannot be sent as they are, and an adapter's recogniser that fails.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withLogContext } from '../src/log.js';
import { AppError, badRequest, describeThrown, errorRequestId, errorResponse, fallbackErrorBody, notFound, rateLimited } from '../src/errors.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const request = { method: 'POST', url: '/orders/7?token=secret', requestId: 'req-9' };
const withHeaders = (headers: Record<string, string>) => new AppError('RATE_LIMITED', 'slow down', { headers });

describe('errors: errorResponse', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());
  const linesWith = (msg: string) => logs.lines.filter((line) => line.msg === msg);

  it('logs a client error once at debug with the request, status and code; a server error at error with the error', () => {
    errorResponse(notFound('Order', 7), request);
    assert.deepEqual(
      linesWith('request failed').map(({ level, requestId, method, path, status, code }) => ({ level, requestId, method, path, status, code })),
      [{ level: 20, requestId: 'req-9', method: 'POST', path: '/orders/7', status: 404, code: 'NOT_FOUND' }],
    );
    errorResponse(new Error('disk full'), request);
    const [line] = linesWith('unhandled error');
    assert.deepEqual(
      { level: line?.level, requestId: line?.requestId, method: line?.method, path: line?.path, status: line?.status },
      { level: 50, requestId: 'req-9', method: 'POST', path: '/orders/7', status: 500 },
    );
    assert.equal((line?.err as { message?: string }).message, 'disk full');
    assert.equal(logs.lines.length, 2);
  });

  it('a 4xx body without details has exactly code, message and request id; with details, a JSON copy of them', () => {
    assert.deepEqual(errorResponse(badRequest('no'), request).body, { code: 'BAD_REQUEST', message: 'no', requestId: 'req-9' });
    const when = new Date(0);
    const body = errorResponse(badRequest('no', { when, list: [1, 'a'] }), request).body;
    assert.deepEqual(body.details, { when: '1970-01-01T00:00:00.000Z', list: [1, 'a'] });
    assert.deepEqual(errorResponse(badRequest('no'), request).headers, {});
    assert.ok(!logs.lines.some((line) => Number(line.level) >= 50), 'nothing here is a server bug');
  });

  it('details that JSON turns into no object are dropped and logged at error', () => {
    for (const details of [{ toJSON: () => undefined }, { toJSON: () => 5 }, { toJSON: () => null }]) {
      logs.lines.length = 0;
      const response = errorResponse(badRequest('no', details), request);
      assert.deepEqual(response.body, { code: 'BAD_REQUEST', message: 'no', requestId: 'req-9' });
      const [line] = linesWith('error details are not a JSON object; sent without them');
      assert.deepEqual({ level: line?.level, requestId: line?.requestId, path: line?.path }, { level: 50, requestId: 'req-9', path: '/orders/7' });
    }
    logs.lines.length = 0;
    errorResponse(badRequest('no', { n: 1n }), request);
    const [line] = linesWith('error details are not JSON-serializable; sent without them');
    assert.deepEqual({ level: line?.level, requestId: line?.requestId, path: line?.path }, { level: 50, requestId: 'req-9', path: '/orders/7' });
    assert.match(String((line?.err as { message?: string }).message), /BigInt/);
  });

  it('keeps headers Node and fetch accept, drops the rest and logs each at error, naming only a valid name', () => {
    const valid = { 'Retry-After': '1', "X-!#$%&'*+.^_`|~9": 'tab\tand latin1 \xff', 'X-Empty': '' };
    assert.deepEqual(errorResponse(withHeaders(valid), request).headers, valid);
    assert.equal(logs.lines.filter((line) => line.level === 50).length, 0);
    const invalid: Array<[Record<string, string>, string]> = [
      [{ 'X-Evil': 'a\r\nSet-Cookie: x' }, 'X-Evil'],
      [{ 'X-Del': 'a\x7f' }, 'X-Del'],
      [{ 'X-Wide': 'a\u0100' }, 'X-Wide'],
      [{ 'X-Nul': '\x00' }, 'X-Nul'],
      [{ 'Bad Name': '1' }, '(invalid name)'],
      [{ 'X(': '1' }, '(invalid name)'],
      [{ '': '1' }, '(invalid name)'],
      [{ 'X-Évil': '1' }, '(invalid name)'],
      [{ 'X-Number': 5 as unknown as string }, 'X-Number'],
    ];
    for (const [headers, named] of invalid) {
      logs.lines.length = 0;
      assert.deepEqual(errorResponse(withHeaders({ 'Retry-After': '2', ...headers }), request).headers, { 'Retry-After': '2' }, named);
      const [line] = linesWith('error header dropped: invalid name or value');
      assert.deepEqual(
        { level: line?.level, header: line?.header, requestId: line?.requestId, path: line?.path },
        { level: 50, header: named, requestId: 'req-9', path: '/orders/7' },
      );
    }
  });

  it('headers that are not an object are ignored', () => {
    const stringHeaders = Object.defineProperty(new AppError('CONFLICT', 'x'), 'headers', { value: 'Retry-After' });
    assert.deepEqual(errorResponse(stringHeaders, request).headers, {});
    const nullHeaders = errorResponse(Object.assign(rateLimited(1), { headers: null }), request);
    assert.deepEqual({ status: nullHeaders.status, headers: nullHeaders.headers }, { status: 429, headers: {} });
  });

  it("uses the adapter's recogniser first, toAppError when it declines, and a 500 when it throws", () => {
    const thrown = new Error('framework specific');
    assert.equal(errorResponse(thrown, request, () => notFound('Thing')).status, 404);
    assert.equal(errorResponse(rateLimited(3), request, () => undefined).status, 429);
    const failing = errorResponse(notFound(), request, () => {
      throw new Error('recogniser bug');
    });
    assert.deepEqual(failing, { status: 500, headers: {}, body: { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-9' } });
  });

  it('a path is the url before its query, and a missing url logs an empty path', () => {
    errorResponse(notFound(), { method: 'GET', url: '/a?b?c', requestId: 'r' });
    errorResponse(notFound(), { method: 'GET', url: undefined as unknown as string, requestId: 'r' });
    assert.deepEqual(
      linesWith('request failed').map((line) => line.path),
      ['/a', ''],
    );
  });

  it('an error the log serializer cannot read is still logged, described and marked unserializable', () => {
    const hostile = Object.defineProperty(new Error('disk full'), 'status', {
      enumerable: true,
      get() {
        throw new Error('trap');
      },
    });
    assert.equal(errorResponse(hostile, request).status, 500);
    const [line] = linesWith('unhandled error');
    assert.deepEqual(
      { level: line?.level, unserializable: line?.unserializable, thrown: line?.thrown, requestId: line?.requestId },
      { level: 50, unserializable: true, thrown: 'Error: disk full', requestId: 'req-9' },
    );
  });

  it('when inspecting the error fails midway, answers the generic 500 and logs why, with the request', () => {
    const exposeThrows = Object.defineProperty(notFound(), 'expose', {
      get() {
        throw new Error('expose getter');
      },
    });
    assert.deepEqual(errorResponse(exposeThrows, request), {
      status: 500,
      headers: {},
      body: { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-9' },
    });
    const [line] = linesWith('error handler failed on a thrown value');
    assert.deepEqual(
      { level: line?.level, requestId: line?.requestId, method: line?.method, path: line?.path, status: line?.status },
      { level: 50, requestId: 'req-9', method: 'POST', path: '/orders/7', status: 500 },
    );
    assert.equal((line?.err as { message?: string }).message, 'expose getter');
  });

  it('a thrown value that is not an Error is logged as `thrown`, not `err`', () => {
    errorResponse({ reason: 'odd' }, request);
    const [line] = linesWith('unhandled error');
    assert.deepEqual({ thrown: line?.thrown, err: line?.err }, { thrown: { reason: 'odd' }, err: undefined });
  });
});

describe('errors: errorRequestId, fallbackErrorBody and describeThrown', () => {
  it('skips an empty or non-string id in the log context or the header', () => {
    assert.deepEqual(
      withLogContext({ requestId: '' }, () => errorRequestId('hdr')),
      { requestId: 'hdr', generated: false },
    );
    assert.deepEqual(
      withLogContext({ requestId: 7 }, () => errorRequestId('hdr')),
      { requestId: 'hdr', generated: false },
    );
    for (const header of ['', ['a', 'b'], 7]) assert.equal(errorRequestId(header).generated, true, JSON.stringify(header));
  });

  it('the fallback body is the generic 500 body', () => {
    assert.deepEqual(JSON.parse(fallbackErrorBody('r-1')), { code: 'INTERNAL', message: 'Internal server error', requestId: 'r-1' });
  });

  it('describes any value in one bounded line without throwing', () => {
    assert.equal(describeThrown(new TypeError('bad')), 'TypeError: bad');
    assert.equal(describeThrown('oops'), 'string: oops');
    assert.equal(describeThrown(null), 'object: null');
    assert.equal(describeThrown(undefined), 'undefined: undefined');
    assert.equal(describeThrown({ a: 1 }), '[object Object]');
    assert.equal(
      describeThrown(() => 1),
      '[object Function]',
    );
    assert.equal(
      describeThrown(
        new Proxy(
          {},
          {
            getPrototypeOf: () => {
              throw new Error('trap');
            },
          },
        ),
      ),
      'an uninspectable object',
    );
    assert.equal(describeThrown('x'.repeat(600)), `string: ${'x'.repeat(600)}`.slice(0, 500));
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 2000 }), (text) => {
        assert.equal(describeThrown(text), `string: ${text}`.slice(0, 500));
      }),
    );
  });
});
