// The raw answer to a request Node's HTTP parser refused, written to a real stream: status line, headers,
// a body in the standard shape, and nothing at all for a connection the client already reset.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { answerClientError, clientErrorResponseText } from '../src/errors.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const withCode = (code: string) => Object.assign(new Error('parser said no'), { code });

function parse(raw: string) {
  const [head = '', text = ''] = raw.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
  return { statusLine, headers, text, body: JSON.parse(text) as Record<string, unknown> };
}

/** A socket stand-in that records what was written and whether it was ended or destroyed. */
function socket() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, written: () => Buffer.concat(chunks).toString('utf8') };
}

describe('errors: clientErrorResponseText', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('answers each parser failure with its status, reason phrase and generic body, and closes the connection', () => {
    const cases: Array<[unknown, string, string, string]> = [
      [withCode('HPE_INVALID_HEADER_TOKEN'), 'HTTP/1.1 400 Bad Request', 'BAD_REQUEST', 'Bad request'],
      [withCode('HPE_HEADER_OVERFLOW'), 'HTTP/1.1 431 Request Header Fields Too Large', 'CLIENT_ERROR', 'Request header fields too large'],
      [withCode('ERR_HTTP_REQUEST_TIMEOUT'), 'HTTP/1.1 408 Request Timeout', 'CLIENT_ERROR', 'Request timeout'],
      [new Error('no code'), 'HTTP/1.1 400 Bad Request', 'BAD_REQUEST', 'Bad request'],
      ['a string', 'HTTP/1.1 400 Bad Request', 'BAD_REQUEST', 'Bad request'],
      [null, 'HTTP/1.1 400 Bad Request', 'BAD_REQUEST', 'Bad request'],
    ];
    for (const [error, statusLine, code, message] of cases) {
      const response = parse(clientErrorResponseText(error) ?? '');
      assert.equal(response.statusLine, statusLine);
      assert.equal(response.headers.Connection, 'close');
      assert.equal(response.headers['Content-Type'], 'application/json; charset=utf-8');
      assert.equal(response.headers['Content-Length'], String(Buffer.byteLength(response.text)));
      assert.match(response.headers['X-Request-ID'] ?? '', UUID);
      assert.deepEqual(response.body, { code, message, requestId: response.headers['X-Request-ID'] });
    }
  });

  it('uses the configured request id header and a fresh id each time', () => {
    const first = parse(clientErrorResponseText(withCode('HPE_INVALID_METHOD'), 'X-Correlation-ID') ?? '');
    const second = parse(clientErrorResponseText(withCode('HPE_INVALID_METHOD'), 'X-Correlation-ID') ?? '');
    assert.equal(first.body.requestId, first.headers['X-Correlation-ID']);
    assert.equal(first.headers['X-Request-ID'], undefined);
    assert.notEqual(first.body.requestId, second.body.requestId);
  });

  it('logs the refused request at debug, with the id the client got and no method or path to tell', () => {
    const response = parse(clientErrorResponseText(withCode('HPE_INVALID_METHOD')) ?? '');
    const line = logs.lines.find((l) => l.msg === 'request failed');
    assert.deepEqual(
      { level: line?.level, requestId: line?.requestId, method: line?.method, path: line?.path, status: line?.status },
      { level: 20, requestId: response.body.requestId, method: '-', path: '-', status: 400 },
    );
  });

  it('writes nothing for a connection the client reset', () => {
    assert.equal(clientErrorResponseText(withCode('ECONNRESET')), undefined);
  });
});

describe('errors: answerClientError', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('writes the response and ends the socket', async () => {
    const { stream, written } = socket();
    answerClientError(withCode('HPE_HEADER_OVERFLOW'), stream, 'X-Trace');
    await new Promise((resolve) => stream.once('end', resolve));
    assert.match(written(), /^HTTP\/1\.1 431 /);
    assert.match(written(), /\r\nX-Trace: [0-9a-f-]{36}\r\n/);
    assert.equal(stream.writableEnded, true);
  });

  it('destroys a socket it must not or cannot write to', () => {
    const reset = socket();
    answerClientError(withCode('ECONNRESET'), reset.stream);
    assert.equal(reset.stream.destroyed, true);
    assert.equal(reset.written(), '');

    const closed = socket();
    closed.stream.end();
    answerClientError(withCode('HPE_INVALID_METHOD'), closed.stream);
    assert.equal(closed.stream.destroyed, true);

    const broken = socket();
    broken.stream.end = () => {
      throw new Error('EPIPE');
    };
    assert.doesNotThrow(() => answerClientError(withCode('HPE_INVALID_METHOD'), broken.stream));
    assert.equal(broken.stream.destroyed, true);
  });
});
