import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { fetchWithRetry, ResponseStatusError, type RetryEvent } from '../src/retry.js';
import { freePort } from './fixtures/redis.js';
import { waitFor } from './fixtures/background-helpers.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string, index: number) => void;

/** A real HTTP server on 127.0.0.1 that answers the n-th request with the n-th handler (the last one repeats). */
async function scriptedServer(handlers: Handler[]) {
  const requests: Array<{ method: string; body: string }> = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const index = requests.push({ method: request.method ?? '', body }) - 1;
    handlers[Math.min(index, handlers.length - 1)]!(request, response, body, index);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/resource`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const status =
  (code: number, body = `status ${code}`, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(code, headers).end(body);
  };
const hang: Handler = () => {}; // never answers: only a timeout or abort ends the request

/** Waits for `promise`, failing clearly instead of hanging when the event never comes. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('retry: fetchWithRetry against a real HTTP server', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retries 503s and resolves with the eventual 200', async () => {
    server = await scriptedServer([status(503), status(503), status(200, 'fresh')]);
    const response = await fetchWithRetry(server.url, {}, { baseDelay: 1 });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'fresh');
    assert.equal(server.requests.length, 3);
  });

  it('catalogue defect: returns a 404 at once instead of retrying it', async () => {
    server = await scriptedServer([status(404, 'no such thing'), status(200)]);
    const response = await fetchWithRetry(server.url, {}, { baseDelay: 1 });
    assert.equal(response.status, 404);
    assert.equal(await response.text(), 'no such thing');
    assert.equal(server.requests.length, 1);
  });

  it('resolves with the last retryable response, body intact, when attempts run out', async () => {
    server = await scriptedServer([status(500, 'first'), status(502, 'last')]);
    const events: RetryEvent[] = [];
    const response = await fetchWithRetry(server.url, {}, { attempts: 2, baseDelay: 1, onRetry: (event) => events.push(event) });
    assert.equal(response.status, 502);
    assert.equal(await response.text(), 'last');
    assert.equal(events.length, 1);
    assert.ok(events[0]?.error instanceof ResponseStatusError);
    assert.equal((events[0]?.error as ResponseStatusError).status, 500);
  });

  it('returns the 429 at once when its Retry-After exceeds maxDelay, instead of retrying before the server allows', async () => {
    server = await scriptedServer([status(429, 'slow down', { 'Retry-After': '120' }), status(200)]);
    const events: RetryEvent[] = [];
    const response = await fetchWithRetry(server.url, {}, { maxDelay: 30, onRetry: (event) => events.push(event) });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '120');
    assert.equal(await response.text(), 'slow down', 'the body of the returned response must stay readable');
    assert.equal(server.requests.length, 1);
    assert.deepEqual(events, []);
  });

  it('honours a Retry-After within maxDelay, waiting for real', async () => {
    server = await scriptedServer([status(503, 'busy', { 'Retry-After': '1' }), status(200)]);
    const started = performance.now();
    const response = await fetchWithRetry(server.url, {}, { maxDelay: 2_000 });
    assert.equal(response.status, 200);
    assert.ok(performance.now() - started >= 990, 'retried before the Retry-After elapsed');
  });

  it('cancels the body of a response it retries past, freeing the connection', async () => {
    let firstResponseClosed!: Promise<unknown>;
    const endlessBody: Handler = (_req, res) => {
      firstResponseClosed = once(res, 'close');
      res.writeHead(503, { 'content-type': 'text/plain' });
      const interval = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(interval));
    };
    server = await scriptedServer([endlessBody, status(200, 'ok')]);
    const response = await fetchWithRetry(server.url, {}, { baseDelay: 1 });
    assert.equal(await response.text(), 'ok');
    // Without cancel() the 503's body would keep streaming into an unread buffer.
    await within(firstResponseClosed, 5_000, 'closing the discarded 503 response');
  });

  it('times out a hung attempt and retries it', async () => {
    server = await scriptedServer([hang, status(200, 'second try')]);
    const events: RetryEvent[] = [];
    // Generous: the second, answered attempt must beat the timeout even on a loaded machine.
    const response = await fetchWithRetry(server.url, {}, { timeout: 1_000, baseDelay: 1, onRetry: (event) => events.push(event) });
    assert.equal(await response.text(), 'second try');
    assert.equal((events[0]?.error as Error).name, 'TimeoutError');
    assert.equal((events[0]?.error as Error).message, 'fetchWithRetry: no response within 1000 ms');
  });

  it('rejects with the caller reason when the caller aborts, without retrying', async () => {
    server = await scriptedServer([hang]);
    const controller = new AbortController();
    const reason = new Error('request cancelled by user');
    const fetching = fetchWithRetry(server.url, { signal: controller.signal }, { timeout: 60_000 });
    await waitFor(() => server!.requests.length > 0, 'the first request', 5_000);
    controller.abort(reason);
    await assert.rejects(fetching, (error) => error === reason);
    assert.equal(server.requests.length, 1);
  });

  it('retries network errors (connection refused), then rejects with the fetch error', async () => {
    const url = `http://127.0.0.1:${await freePort()}/nothing-listens-here`;
    const events: RetryEvent[] = [];
    await assert.rejects(
      fetchWithRetry(url, {}, { attempts: 3, baseDelay: 1, onRetry: (event) => events.push(event) }),
      (error: Error) => error instanceof TypeError && error.message === 'fetch failed',
    );
    assert.equal(events.length, 2);
  });

  it('does not retry a POST by default: it may not be safe to send twice', async () => {
    server = await scriptedServer([status(503), status(201)]);
    const response = await fetchWithRetry(server.url, { method: 'POST', body: 'order=1' }, { baseDelay: 1 });
    assert.equal(response.status, 503);
    assert.equal(server.requests.length, 1);
  });

  it('retries a POST listed in methods, sending the same body each time (also from a Request)', async () => {
    server = await scriptedServer([status(503), status(201)]);
    const response = await fetchWithRetry(server.url, { method: 'POST', body: 'order=1' }, { baseDelay: 1, methods: ['POST'] });
    assert.equal(response.status, 201);
    assert.deepEqual(
      server.requests.map((r) => r.body),
      ['order=1', 'order=1'],
    );

    await server.close();
    server = await scriptedServer([status(503), status(201)]);
    const request = new Request(server.url, { method: 'POST', body: 'order=2' });
    assert.equal((await fetchWithRetry(request, {}, { baseDelay: 1, methods: ['POST'] })).status, 201);
    assert.deepEqual(
      server.requests.map((r) => r.body),
      ['order=2', 'order=2'],
    );
  });

  it('refuses a stream body it would have to replay, with a clear TypeError', async () => {
    const body = Readable.toWeb(Readable.from(['a', 'b'])) as ReadableStream;
    await assert.rejects(fetchWithRetry('http://127.0.0.1:1/', { method: 'PUT', body, duplex: 'half' } as RequestInit), /a stream body cannot be sent twice/);
  });

  it('lets the caller read the body after the deadline: the deadline only bounds getting a response', async () => {
    const slowBody: Handler = (_req, res) => {
      res.writeHead(200).write('start-');
      setTimeout(() => res.end('end'), 1_500);
    };
    server = await scriptedServer([slowBody]);
    const response = await fetchWithRetry(server.url, {}, { deadline: 1_000 });
    assert.equal(await response.text(), 'start-end');
  });

  it('compares methods in any case: a lowercase method in init or in methods is the same method', async () => {
    server = await scriptedServer([status(503), status(201)]);
    assert.equal((await fetchWithRetry(server.url, { method: 'post', body: 'a' }, { baseDelay: 1, methods: ['POST'] })).status, 201);
    await server.close();
    server = await scriptedServer([status(503), status(201)]);
    assert.equal((await fetchWithRetry(server.url, { method: 'PATCH', body: 'b' }, { baseDelay: 1, methods: ['patch'] })).status, 201);
    await server.close();
    // A Request's own method counts when init names none: a POST Request is not retried by default.
    server = await scriptedServer([status(503), status(201)]);
    assert.equal((await fetchWithRetry(new Request(server.url, { method: 'POST', body: 'c' }), {}, { baseDelay: 1 })).status, 503);
    assert.equal(server.requests.length, 1);
  });

  it('sends a stream body when it will not be replayed: a method not retried, or attempts: 1', async () => {
    server = await scriptedServer([status(503), status(201)]);
    const stream = () => Readable.toWeb(Readable.from(['a', 'b'])) as ReadableStream;
    const post = await fetchWithRetry(server.url, { method: 'POST', body: stream(), duplex: 'half' } as RequestInit, { baseDelay: 1 });
    assert.equal(post.status, 503);
    const once = await fetchWithRetry(server.url, { method: 'PUT', body: stream(), duplex: 'half' } as RequestInit, { attempts: 1 });
    assert.equal(once.status, 201);
    assert.deepEqual(
      server.requests.map((r) => r.body),
      ['ab', 'ab'],
    );
  });

  it('refuses an async-iterable body it would have to replay, and accepts bodies that can be sent twice', async () => {
    async function* chunks() {
      yield new TextEncoder().encode('x');
    }
    await assert.rejects(
      fetchWithRetry('http://127.0.0.1:1/', { method: 'PUT', body: chunks(), duplex: 'half' } as unknown as RequestInit),
      /a stream body cannot be sent twice/,
    );
    server = await scriptedServer([status(503), status(200)]);
    for (const body of [null, 'text', new URLSearchParams({ a: '1' }), new Blob(['blob']), new TextEncoder().encode('bytes')]) {
      const response = await fetchWithRetry(server.url, { method: body === null ? 'GET' : 'PUT', body }, { baseDelay: 1 });
      assert.equal(response.status, 200, String(body));
    }
  });

  it('aborts on the retry options signal as on init.signal', async () => {
    server = await scriptedServer([hang]);
    const controller = new AbortController();
    const reason = new Error('options signal');
    const fetching = fetchWithRetry(server.url, { signal: new AbortController().signal }, { timeout: 60_000, signal: controller.signal });
    await waitFor(() => server!.requests.length > 0, 'the first request', 5_000);
    controller.abort(reason);
    await assert.rejects(fetching, (error) => error === reason);
  });

  it('uses a custom shouldRetry and retryOnStatus', async () => {
    server = await scriptedServer([status(503), status(200)]);
    assert.equal((await fetchWithRetry(server.url, {}, { baseDelay: 1, shouldRetry: () => false })).status, 503);
    await server.close();
    server = await scriptedServer([status(404), status(200)]);
    assert.equal((await fetchWithRetry(server.url, {}, { baseDelay: 1, retryOnStatus: (code) => code === 404 })).status, 200);
  });

  it('retries a HEAD response, which has no body to cancel', async () => {
    server = await scriptedServer([status(503), status(200)]);
    const response = await fetchWithRetry(server.url, { method: 'HEAD' }, { baseDelay: 1 });
    assert.equal(response.status, 200);
    assert.equal(server.requests.length, 2);
  });

  it('rejects with RetryAfterExceededError when a custom retryAfter on a network error exceeds maxDelay: there is no response to return', async () => {
    const url = `http://127.0.0.1:${await freePort()}/nothing-listens-here`;
    await assert.rejects(fetchWithRetry(url, {}, { maxDelay: 100, retryAfter: () => 10_000 }), (error: Error) => {
      assert.equal(error.name, 'RetryAfterExceededError');
      assert.equal((error.cause as Error).message, 'fetch failed');
      return true;
    });
  });

  it('does not send an attempt whose deadline passed during an overlong custom sleep', async () => {
    server = await scriptedServer([status(503), status(200)]);
    await assert.rejects(
      fetchWithRetry(server.url, {}, { deadline: 150, baseDelay: 1, sleep: () => new Promise((resolve) => setTimeout(resolve, 400)) }),
      (error: Error) => error.name === 'TimeoutError',
    );
    assert.equal(server.requests.length, 1);
  });

  it('retries OPTIONS and DELETE by default, as GET, HEAD and PUT', async () => {
    for (const method of ['OPTIONS', 'DELETE']) {
      server = await scriptedServer([status(503), status(204, '')]);
      assert.equal((await fetchWithRetry(server.url, { method }, { baseDelay: 1 })).status, 204, method);
      await server.close();
    }
    server = undefined;
  });

  it('does not retry an error of its own making, such as a malformed header', async () => {
    const events: RetryEvent[] = [];
    await assert.rejects(fetchWithRetry('http://127.0.0.1:1/', { headers: { 'bad header': 'x' } }, { onRetry: (event) => events.push(event) }), TypeError);
    assert.deepEqual(events, []);
  });

  it('aborts a hung attempt at the deadline, well before its own timeout', async () => {
    server = await scriptedServer([hang]);
    const started = performance.now();
    await assert.rejects(fetchWithRetry(server.url, {}, { timeout: 60_000, deadline: 200 }), (error: Error) => error.name === 'TimeoutError');
    assert.ok(performance.now() - started < 20_000, 'waited for the per-attempt timeout instead');
  });

  it('rejects an invalid timeout with a clear RangeError', async () => {
    await assert.rejects(fetchWithRetry('http://127.0.0.1:1/', {}, { timeout: 0 }), /timeout must be a number in \(0, 2147483647\], got 0/);
    await assert.rejects(fetchWithRetry('http://127.0.0.1:1/', {}, { timeout: 2 ** 31 }), /timeout must be .*, got 2147483648/);
    server = await scriptedServer([status(200)]);
    assert.equal((await fetchWithRetry(server.url, {}, { timeout: 2 ** 31 - 1 })).status, 200, 'the longest timer setTimeout holds');
  });
});
