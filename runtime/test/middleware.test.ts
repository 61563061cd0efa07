import assert from 'node:assert/strict';
import { captureLogs } from './fixtures/logs.js';
import { pathWithoutQuery, resolveRequestId, startRequest } from '../src/middleware.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('middleware core', () => {
  describe('resolveRequestId', () => {
    it('keeps a well-formed incoming id', () => {
      assert.equal(resolveRequestId('lb-7f3a.01:02_x'), 'lb-7f3a.01:02_x');
    });

    it('generates a UUID when the header is missing or empty', () => {
      assert.match(resolveRequestId(undefined), UUID);
      assert.match(resolveRequestId(null), UUID);
      assert.match(resolveRequestId(''), UUID);
      assert.notEqual(resolveRequestId(undefined), resolveRequestId(undefined));
    });

    it('catalogue defect: a request id with a newline (log injection) is replaced by a generated one', () => {
      const forged = 'abc\n{"level":50,"msg":"admin logged in"}';
      const id = resolveRequestId(forged);
      assert.notEqual(id, forged);
      assert.match(id, UUID);
    });

    it('catalogue defect: a 10 KB request id is replaced by a generated one', () => {
      const huge = 'a'.repeat(10 * 1024);
      assert.match(resolveRequestId(huge), UUID);
      assert.equal(resolveRequestId('a'.repeat(128)), 'a'.repeat(128), '128 characters is the documented maximum');
      assert.match(resolveRequestId('a'.repeat(129)), UUID);
    });

    it('rejects spaces, quotes and non-ASCII', () => {
      for (const bad of ['a b', 'a"b', "a'b", 'ä', 'a\u001b[31m', 'a,b']) assert.match(resolveRequestId(bad), UUID, JSON.stringify(bad));
    });

    it('honours trustIncomingId: false, a custom validator and a custom generator', () => {
      assert.equal(resolveRequestId('fine', { trustIncomingId: false, generateRequestId: () => 'fresh' }), 'fresh');
      assert.equal(resolveRequestId('fine', { isValidRequestId: (v) => v.startsWith('req_'), generateRequestId: () => 'fresh' }), 'fresh');
      assert.equal(resolveRequestId('req_1', { isValidRequestId: (v) => v.startsWith('req_') }), 'req_1');
    });
  });

  describe('pathWithoutQuery', () => {
    it('drops the query string and fragment', () => {
      assert.equal(pathWithoutQuery('/reset?token=s3cret&email=a@b.c'), '/reset');
      assert.equal(pathWithoutQuery('/a/b#frag'), '/a/b');
      assert.equal(pathWithoutQuery('/plain'), '/plain');
    });

    it('reduces an absolute URL to its path', () => {
      assert.equal(pathWithoutQuery('http://localhost:8080/users/7?apiKey=x'), '/users/7');
    });
  });

  describe('startRequest', () => {
    let logs: ReturnType<typeof captureLogs>;
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    function fakeClock(start = 1000) {
      let t = start;
      return {
        now: () => t,
        advance: (ms: number) => {
          t += ms;
        },
      };
    }

    it('logs one line with method, path without query, status, duration and request id', () => {
      const clock = fakeClock();
      const tracker = startRequest({ method: 'GET', url: '/users?password=hunter2', incomingRequestId: 'id-1' }, { now: clock.now });
      clock.advance(12.34);
      tracker.finish(201);
      assert.equal(logs.lines.length, 1);
      const line = logs.lines[0]!;
      assert.equal(line.msg, 'request completed');
      assert.equal(line.requestId, 'id-1');
      assert.equal(line.method, 'GET');
      assert.equal(line.path, '/users');
      assert.equal(line.status, 201);
      assert.equal(line.durationMs, 12.3);
      assert.ok(!JSON.stringify(line).includes('hunter2'));
    });

    it('logs 5xx at error level and aborted requests at warn, without a status', () => {
      startRequest({ method: 'GET', url: '/x', incomingRequestId: undefined }).finish(503);
      startRequest({ method: 'POST', url: '/y', incomingRequestId: undefined }).abort();
      assert.equal(logs.lines[0]?.level, 50);
      assert.equal(logs.lines[1]?.level, 40);
      assert.equal(logs.lines[1]?.aborted, true);
      assert.equal(logs.lines[1]?.msg, 'request aborted');
      assert.equal('status' in logs.lines[1]!, false);
    });

    it('logs only once whichever of finish/abort comes first', () => {
      const a = startRequest({ method: 'GET', url: '/a', incomingRequestId: 'a' });
      a.abort();
      a.finish(200);
      a.abort();
      const b = startRequest({ method: 'GET', url: '/b', incomingRequestId: 'b' });
      b.finish(200);
      b.abort();
      b.finish(500);
      assert.deepEqual(
        logs.lines.map((l) => [l.requestId, l.msg]),
        [
          ['a', 'request aborted'],
          ['b', 'request completed'],
        ],
      );
    });

    it('builds timing headers from the elapsed time, each one optional', () => {
      const clock = fakeClock();
      const tracker = startRequest({ method: 'GET', url: '/', incomingRequestId: undefined }, { now: clock.now });
      clock.advance(7.06);
      assert.deepEqual(tracker.timingHeaders(), [
        ['Server-Timing', 'total;dur=7.1'],
        ['X-Response-Time', '7.1ms'],
      ]);
      const only = startRequest({ method: 'GET', url: '/', incomingRequestId: undefined }, { now: clock.now, serverTiming: false });
      assert.deepEqual(
        only.timingHeaders().map(([name]) => name),
        ['X-Response-Time'],
      );
    });
  });
});
