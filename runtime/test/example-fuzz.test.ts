// A hostile client against the example service, over raw TCP so nothing in between cleans the request up:
// malformed bodies and encodings, odd ids, forged cursors, hostile headers, on every route. Whatever
// arrives, no 5xx, no internals in any body, and every error body carries the request id.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { startServer, type RunningServer } from '../example/app.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/**
 * Sends bytes as they are and reads until the server closes (every request says Connection: close).
 * The socket is not half-closed after writing, as browsers and curl do not either: Node's server treats
 * a client's FIN as an abort of a request still being read.
 */
function rawRequest(port: number, request: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      const head = end === -1 ? raw : raw.slice(0, end);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = end === -1 ? '' : raw.slice(end + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8'), raw });
    });
    socket.write(request);
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 4 + size);
  }
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');
const percentBytes = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

let knownId = '00000000-0000-0000-0000-000000000000';

const idArb = fc.oneof(
  fc.constant('KNOWN'),
  fc.constantFrom(
    '%ZZ',
    '%',
    '%0',
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%C0%AF',
    '..%2F..%2Fetc%2Fpasswd',
    '../../etc/passwd',
    '%2e%2e',
    '9'.repeat(40),
    '-1',
    '1e309',
    'NaN',
    '%F0%9F%98%80',
    'x'.repeat(5000),
    '%0D%0ASet-Cookie:%20a=b',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map(percentBytes),
);
const cursorArb = fc.oneof(
  fc.constantFrom('!!!', '', 'A'.repeat(5000), base64url('{"v":1}'), base64url('[1]'), base64url('null')),
  fc
    .record({
      v: fc.constantFrom(1, 2),
      o: fc.constantFrom('createdAt', 'id', 'email', '__proto__'),
      d: fc.constantFrom('asc', 'desc', 'up'),
      k: fc.oneof(
        fc.jsonValue(),
        fc.record({ $date: fc.string() }),
        fc.record({ $bigint: fc.constantFrom('1', '9'.repeat(40), '-0') }),
        fc.constant({ $date: '2020-01-01T00:00:00Z' }),
      ),
      i: fc.oneof(fc.string(), fc.constant('\u0000'), fc.integer(), fc.constant(knownId)),
    })
    .map((payload) => base64url(JSON.stringify(payload))),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);
const queryArb = fc.oneof(
  fc.constant(''),
  cursorArb.map((after) => `?after=${after}`),
  fc.constantFrom('?limit=0', '?limit=1e3', '?limit=-1', '?limit=abc', '?limit=1&limit=2', '?after[]=x', '?after[a]=1', '?limit=%ZZ', '?%ZZ=1'),
  fc.string({ maxLength: 30 }).map((q) => `?${encodeURIComponent(q)}=${encodeURIComponent(q)}`),
);
const pathArb = fc.oneof(
  fc.tuple(fc.constant('/users'), queryArb).map(([path, query]) => path + query),
  idArb.map((id) => `/users/${id}`),
  fc.constantFrom(
    '/health',
    '/internal/notifications',
    '/internal/notifications/x',
    '/debug/crash',
    '/nope',
    '/users/',
    '//users',
    '/USERS',
    '/users/%ZZ/extra',
    '/%ZZ',
    '/users?',
    '*',
  ),
);
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ email: fc.oneof(fc.emailAddress(), fc.string()), name: fc.string({ maxLength: 120 }) }).map((user) => JSON.stringify(user)),
  fc.constantFrom(
    '{"email":"a@example.com","name":"A",}',
    '{',
    'null',
    '[]',
    '"x"',
    '1e999',
    deep(3000),
    '{"__proto__":{"isAdmin":true},"email":"p@example.com","name":"P"}',
    '{"constructor":{"prototype":{"isAdmin":true}},"email":"c@example.com","name":"C"}',
    '{"email":"n\\u0000@example.com","name":"\\ud800"}',
    `{"name":"${'x'.repeat(20_000)}"}`,
  ),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/*',
  'garbage',
  undefined,
);
const requestIdArb = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('trace-1', 'x'.repeat(200), '<script>', 'a b', ''),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);
const encodingArb = fc.constantFrom(undefined, undefined, 'gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip');
const methodArb = fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND');

interface Probe {
  method: string;
  path: string;
  body: string | undefined;
  contentType: string | undefined;
  requestId: string | undefined;
  encoding: string | undefined;
  gzipBody: boolean;
}

function build(probe: Probe): Buffer {
  const path = probe.path.replace('KNOWN', knownId);
  let payload = probe.body === undefined ? Buffer.alloc(0) : Buffer.from(probe.body, 'utf8');
  if (probe.gzipBody && probe.encoding === 'gzip') payload = gzipSync(payload);
  const headers = [`${probe.method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (probe.contentType !== undefined) headers.push(`Content-Type: ${probe.contentType}`);
  if (probe.requestId !== undefined) headers.push(`X-Request-ID: ${probe.requestId}`);
  if (probe.encoding !== undefined) headers.push(`Content-Encoding: ${probe.encoding}`);
  if (probe.body !== undefined) headers.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

// What must never be in a body: a stack frame, a path on this machine, SQL, driver or parser internals.
const LEAKS = [
  /    at /,
  /node_modules/,
  /\/work\//,
  /\bSELECT\b|\bINSERT\b|\bUPDATE "|SQLSTATE/,
  /Unexpected token|in JSON at position|is not valid JSON/,
  /<html|<!DOCTYPE/i,
  /ECONN|Z_DATA_ERROR/,
];

function check(where: string, response: RawResponse, method: string): void {
  assert.ok(response.status >= 100 && response.status < 500, `${where}: answered ${response.status}\n${response.raw.slice(0, 500)}`);
  for (const leak of LEAKS) assert.ok(!leak.test(response.body), `${where}: body leaks ${leak}: ${response.body.slice(0, 300)}`);
  if (response.status < 400 || method === 'HEAD') return;
  assert.match(response.headers['content-type'] ?? '', /^application\/json/, `${where}: ${response.raw.slice(0, 300)}`);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  assert.equal(typeof body.code, 'string', where);
  assert.equal(typeof body.message, 'string', where);
  assert.equal(typeof body.requestId, 'string', `${where}: no request id in ${response.body}`);
  assert.equal(body.requestId, response.headers['x-request-id'], `${where}: body and header ids differ`);
}

describe('example service under a hostile client (fuzz, fixed seed)', function () {
  this.timeout(180_000);
  let running: RunningServer;
  let port: number;
  let logs: CapturedLogs;

  before(async () => {
    logs = captureLogs();
    running = await startServer({ port: 0, rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 } });
    port = Number(new URL(running.url).port);
    const created = await fetch(`${running.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"fuzz@example.com","name":"Fuzz"}',
    });
    knownId = String(((await created.json()) as { id: string }).id);
  });
  after(async () => {
    await running?.close();
    logs.restore();
  });

  it('the notification stand-in runs on its own loopback port; the public app does not serve it', async () => {
    await waitFor(() => running.notifications.some((n) => n.userId === knownId), 'the notification for the created user');
    assert.ok(running.providerUrl && running.providerUrl !== running.url);
    assert.equal((await fetch(`${running.url}/internal/notifications`)).status, 404);
    assert.equal((await fetch(`${running.providerUrl}/internal/notifications`)).status, 200);
  });

  it('no 5xx, no internals, a request id in every error body: random requests on every route', async () => {
    const probe = fc.record({
      method: methodArb,
      path: pathArb,
      body: bodyArb,
      contentType: contentTypeArb,
      requestId: requestIdArb,
      encoding: encodingArb,
      gzipBody: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(probe, async (p) => {
        const response = await rawRequest(port, build(p));
        check(`${p.method} ${p.path.slice(0, 200)} (${p.contentType}, ${p.encoding})`, response, p.method);
      }),
      { seed: 12_345, numRuns: 400 },
    );
    const unhandled = logs.lines.filter((line) => line.msg === 'unhandled error');
    assert.deepEqual(unhandled, [], 'client input was logged as an unhandled error');
  });

  it("requests Node's parser or server would refuse with an empty body get the same JSON error body with a request id", async () => {
    const hostile: Array<[string, Buffer, number]> = [
      ['CR in a header value', Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: a\rb\r\nConnection: close\r\n\r\n', 'latin1'), 400],
      ['NUL in a header value', Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nX-Evil: a\0b\r\nConnection: close\r\n\r\n', 'latin1'), 400],
      ['header injection via bare LF', Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1\nSet-Cookie: a=b\r\nConnection: close\r\n\r\n', 'latin1'), 400],
      ['headers over 16 KiB', Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`, 'latin1'), 431],
      ['a 20 KiB URL', Buffer.from(`GET /users/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1'), 431],
      ['a space in the path', Buffer.from('GET /us ers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'), 400],
      ['a malformed request line', Buffer.from('GARBAGE\r\n\r\n', 'latin1'), 400],
      [
        'Content-Length and chunked together',
        Buffer.from('POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n', 'latin1'),
        400,
      ],
      ['a non-numeric Content-Length', Buffer.from('POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n', 'latin1'), 400],
      ['no Host header', Buffer.from('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n', 'latin1'), 400],
      ['an Expect other than 100-continue', Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nExpect: nonsense\r\nConnection: close\r\n\r\n', 'latin1'), 417],
    ];
    for (const [name, request, status] of hostile) {
      const response = await rawRequest(port, request);
      assert.equal(response.status, status, `${name}: ${response.raw.slice(0, 300)}`);
      check(name, response, 'GET');
    }
  });
});
