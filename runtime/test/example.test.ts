// The example service end to end: a real server on port 0, real PGlite, and a real HTTP server
// standing in for the notification provider (flaky on purpose, so the retry path runs).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Db, JobsToken, startServer, type RunningServer, type UserCreatedMessage } from '../example/app.js';
import { InMemoryQueue } from '../src/background.js';
import { ContainerError } from '../src/container.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { gate, waitFor } from './fixtures/background-helpers.js';
import { redisServer } from './fixtures/redis.js';
import { testOnlyRoutes } from './fixtures/example-routes.js';

interface Provider {
  url: string;
  /** PUT bodies received per user id, failures included. */
  calls: Map<string, number>;
  /** Statuses answered per user id, in order. */
  answered: Map<string, number[]>;
  /** Holds every answer until opened (for the shutdown test). */
  hold: { opened: Promise<void>; open(): void } | undefined;
  close(): Promise<void>;
}

/** A notification provider that answers 503 to the first call for each user, then 204. */
async function flakyProvider(): Promise<Provider> {
  const provider: Provider = { url: '', calls: new Map(), answered: new Map(), hold: undefined, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const userId = decodeURIComponent(req.url?.split('/').pop() ?? '');
    for await (const _chunk of req); // drain the body
    const count = (provider.calls.get(userId) ?? 0) + 1;
    provider.calls.set(userId, count);
    await provider.hold?.opened;
    res.statusCode = count === 1 ? 503 : 204;
    res.end();
    provider.answered.set(userId, [...(provider.answered.get(userId) ?? []), res.statusCode]);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  provider.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  provider.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return provider;
}

function isEmpty(counts: ReturnType<InMemoryQueue<unknown>['counts']>): boolean {
  return counts.ready === 0 && counts.inFlight === 0 && counts.delayed === 0 && counts.dead === 0;
}

// Unique per run: with DATABASE_URL the users table outlives the test process.
const run = Date.now().toString(36);

async function createUser(baseUrl: string, email: string, name = 'Ada'): Promise<{ response: Response; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: email.replace('@', `+${run}@`), name }),
  });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

describe(`example service (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, in-memory cache, limiter and queue)`, function () {
  this.timeout(180_000); // PGlite boots a WASM PostgreSQL; slow on a loaded machine
  let running: RunningServer;
  let provider: Provider;
  let logs: CapturedLogs;
  let closed = false;

  before(async () => {
    logs = captureLogs();
    provider = await flakyProvider();
    running = await startServer({
      port: 0,
      databaseUrl: process.env.DATABASE_URL || undefined,
      notifyUrl: provider.url,
      rateLimit: { capacity: 1000, refillPerSecond: 100 },
      extraRoutes: testOnlyRoutes(),
    });
  });
  after(async () => {
    if (!closed) await running?.close();
    await provider?.close();
    logs.restore();
  });

  it('sets request id, timing and rate-limit headers on every response', async () => {
    const response = await fetch(`${running.url}/health`, { headers: { 'X-Request-ID': 'trace-42' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'trace-42');
    assert.match(response.headers.get('server-timing') ?? '', /^total;dur=\d+(\.\d+)?$/);
    assert.match(response.headers.get('x-response-time') ?? '', /^\d+(\.\d+)?ms$/);
    assert.equal(response.headers.get('ratelimit-limit'), '1000');
    assert.match(response.headers.get('ratelimit-remaining') ?? '', /^\d+$/);
    assert.equal(response.headers.get('ratelimit-policy'), '1000;w=10');
    const injected = await fetch(`${running.url}/health`, { headers: { 'X-Request-ID': 'evil id <script>' } });
    assert.match(injected.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'an invalid incoming id was echoed');
  });

  it('creates a user, then serves the second read from the cache', async () => {
    const { response, body } = await createUser(running.url, 'Ada@Example.com');
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `/users/${body.id}`);
    assert.equal(body.email, `ada+${run}@example.com`);

    const loadsBefore = running.userLoads();
    const first = await fetch(`${running.url}/users/${body.id}`);
    const second = await fetch(`${running.url}/users/${body.id}`);
    assert.equal(first.headers.get('x-cache'), 'MISS');
    assert.equal(second.headers.get('x-cache'), 'HIT');
    assert.deepEqual(await second.json(), await first.json());
    assert.equal(running.userLoads() - loadsBefore, 1, 'the second read went to the database');
  });

  it('invalidates the cached user when it is updated', async () => {
    const { body } = await createUser(running.url, 'grace@example.com', 'Grace');
    await fetch(`${running.url}/users/${body.id}`); // cache it
    const patched = await fetch(`${running.url}/users/${body.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Grace H."}',
    });
    assert.equal(patched.status, 200);
    const read = await fetch(`${running.url}/users/${body.id}`);
    assert.equal(read.headers.get('x-cache'), 'MISS');
    assert.equal(((await read.json()) as { name: string }).name, 'Grace H.');
  });

  it('answers a missing user with a 404 AppError body carrying the request id', async () => {
    const response = await fetch(`${running.url}/users/no-such-user`, { headers: { 'X-Request-ID': 'lookup-7' } });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { code: 'NOT_FOUND', message: 'User not found', details: { id: 'no-such-user' }, requestId: 'lookup-7' });
  });

  it('maps service failures to 400 and 409 bodies', async () => {
    const invalid = await createUser(running.url, 'not-an-email', '');
    assert.equal(invalid.response.status, 400);
    assert.equal(invalid.body.code, 'VALIDATION');
    assert.deepEqual(invalid.body.details, { fields: { email: 'must be an email address', name: 'must be 1 to 100 printable characters' } });
    await createUser(running.url, 'taken@example.com');
    const taken = await createUser(running.url, 'TAKEN@example.com');
    assert.equal(taken.response.status, 409);
    assert.equal(taken.body.code, 'CONFLICT');
  });

  it('refuses text PostgreSQL cannot store (NUL, unpaired surrogates, controls) in fields and ids with a 400, never a 500', async () => {
    const { body: created } = await createUser(running.url, 'nul@example.com');
    const json = (method: string, path: string, text: string) =>
      fetch(`${running.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: text });
    for (const bad of ['a\\u0000b', 'a\\ud800b', 'a\\udc00', 'tab\\there']) {
      const posted = await json('POST', '/users', `{"email":"x${bad}@example.com","name":"n${bad}"}`);
      assert.equal(posted.status, 400, bad);
      assert.deepEqual(Object.keys(((await posted.json()) as { details: { fields: object } }).details.fields).sort(), ['email', 'name']);
      const patched = await json('PATCH', `/users/${created.id}`, `{"name":"n${bad}"}`);
      assert.equal(patched.status, 400, bad);
    }
    for (const id of ['a%00b', '%ED%A0%80', '%ZZ', 'x'.repeat(129), 'a%0Ab']) {
      const response = await fetch(`${running.url}/users/${id}`);
      assert.equal(response.status, 400, id);
      assert.equal(((await response.json()) as { requestId?: unknown }).requestId, response.headers.get('x-request-id'));
    }
    const invalidUtf8 = await fetch(`${running.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"email":"\xff\xfe@example.com","name":"B"}', 'latin1'),
    });
    assert.deepEqual(
      [invalidUtf8.status, ((await invalidUtf8.json()) as { code: string }).code],
      [400, 'MALFORMED_BODY'],
      'invalid UTF-8 was stored as U+FFFD',
    );
    const cursor = await fetch(`${running.url}/users?after=!!!`);
    assert.deepEqual([cursor.status, ((await cursor.json()) as { code: string }).code], [400, 'INVALID_CURSOR']);
    assert.ok(
      !logs.lines.some((line) => line.level === 50 && line.msg === 'unhandled error' && !/s3cr3t/.test(JSON.stringify(line))),
      'no client input was logged as an unhandled error',
    );
  });

  it('answers an unexpected error with a 500 body without internals, logging them server-side only', async () => {
    const response = await fetch(`${running.url}/debug/crash`);
    assert.equal(response.status, 500);
    const text = await response.text();
    const requestId = response.headers.get('x-request-id');
    assert.deepEqual(JSON.parse(text), { code: 'INTERNAL', message: 'Internal server error', requestId });
    for (const secret of ['s3cr3t', 'postgres://', 'ECONNREFUSED', 'at ']) assert.ok(!text.includes(secret), `the body leaked "${secret}"`);
    const logged = logs.lines.find((line) => line.msg === 'unhandled error' && line.requestId === requestId);
    assert.match(String((logged?.err as { message?: string } | undefined)?.message), /s3cr3t/);
  });

  /**
   * Every user created by an earlier test queued a notification that may still be retrying its 503
   * (full-jitter backoff), so "the worker succeeded once" would not identify a job. Waits until the
   * queue and the worker hold nothing, which makes the worker's counters attributable again.
   */
  async function notificationsSettled(): Promise<InMemoryQueue<UserCreatedMessage>> {
    const queue = await running.container.resolve(JobsToken);
    assert.ok(queue instanceof InMemoryQueue, 'without REDIS_URL the example uses the in-memory queue');
    // The outbox first: a job still waiting for the relay is in neither the queue nor the worker.
    await waitFor(
      async () => (await running.relay.pending()) === 0 && running.worker.inFlight === 0 && isEmpty(queue.counts()),
      'every queued notification to be settled',
    );
    return queue;
  }

  it('notifies the provider from the background worker, retrying its 503 through fetchWithRetry', async () => {
    const { body } = await createUser(running.url, 'notify@example.com');
    await notificationsSettled();
    assert.deepEqual(provider.answered.get(String(body.id)), [503, 204]);
    // One acked job per created user, each answered 503 then 204: fetchWithRetry absorbed every 503.
    for (const [userId, statuses] of provider.answered) assert.deepEqual(statuses, [503, 204], `notifications for user ${userId}`);
    assert.deepEqual(running.worker.stats, { succeeded: provider.answered.size, retried: 0, deadLettered: 0, released: 0, settleFailures: 0 });
  });

  it('shuts down cleanly: drains the in-flight job, then disposes the container', async () => {
    const queue = await notificationsSettled();
    const succeededBefore = running.worker.stats.succeeded;
    provider.hold = gate();
    const { body } = await createUser(running.url, 'last@example.com');
    const userId = String(body.id);
    await waitFor(() => provider.calls.has(userId), 'the job to reach the provider');
    const db = await running.container.resolve(Db);

    const closing = running.close();
    closed = true;
    provider.hold.open();
    assert.equal(await closing, 'drained');
    // Both answers were sent after close() began (the provider was held), and nothing was cut short:
    // the one job in flight was acked, none was put back or left in the queue.
    assert.deepEqual(provider.answered.get(userId), [503, 204], 'the in-flight job was abandoned');
    assert.equal(running.worker.stats.succeeded, succeededBefore + 1, 'the in-flight job was not acked');
    assert.equal(running.worker.stats.released, 0);
    assert.equal(running.worker.stats.settleFailures, 0);
    assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: 0 });
    assert.equal(running.server.listening, false);
    await assert.rejects(running.container.resolve(Db), (error: unknown) => error instanceof ContainerError && error.code === 'DISPOSED');
    await assert.rejects(db.query('select 1'), 'the database is still open after shutdown');
  });
});

describe('example service with REDIS_URL (Redis cache, sliding-window limiter and queue)', function () {
  this.timeout(180_000);
  let running: RunningServer | undefined;
  let provider: Provider;
  let logs: CapturedLogs;

  before(async () => {
    logs = captureLogs();
    provider = await flakyProvider();
    running = await startServer({ port: 0, redisUrl: (await redisServer()).url, notifyUrl: provider.url, rateLimit: { capacity: 500, refillPerSecond: 10 } });
  });
  after(async () => {
    await running?.close();
    await provider?.close();
    logs.restore();
  });

  it('caches through Redis, limits with a shared window, delivers jobs through the Redis queue, and closes cleanly', async () => {
    const server = running!;
    // Built as `npm start` builds it (no extraRoutes): neither the failure probe nor the provider stand-in is public.
    for (const [method, path] of [
      ['GET', '/debug/crash'],
      ['GET', '/internal/notifications'],
      ['PUT', '/internal/notifications/x'],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'PUT' ? '{"email":"spoof"}' : undefined,
      });
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const { response, body } = await createUser(server.url, 'redis@example.com');
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('ratelimit-policy'), '500;w=60');
    const first = await fetch(`${server.url}/users/${body.id}`);
    const second = await fetch(`${server.url}/users/${body.id}`);
    assert.deepEqual([first.headers.get('x-cache'), second.headers.get('x-cache')], ['MISS', 'HIT']);
    await waitFor(() => provider.calls.get(String(body.id)) === 2 && server.worker.stats.succeeded === 1, 'the notification via Redis');
    running = undefined;
    assert.equal(await server.close(), 'drained');
    await assert.rejects(server.container.resolve(Db), /the container was disposed/);
  });
});
