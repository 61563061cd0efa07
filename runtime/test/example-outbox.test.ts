// The example's POST /users through the transactional outbox, against a real Redis that goes down:
// the request still answers 201 promptly, and the notification arrives, once, after Redis is back.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Db, JobsToken, startServer, type RunningServer } from '../example/app.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';
import { startRedisServer, type RedisServer } from './fixtures/redis.js';

interface Call {
  userId: string;
  idempotencyKey: string | undefined;
}

/** A notification provider that records every PUT with its Idempotency-Key and answers 204. */
async function recordingProvider(): Promise<{ url: string; calls: Call[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  const server: Server = createServer(async (req, res) => {
    for await (const _chunk of req); // drain the body
    const key = req.headers['idempotency-key'];
    calls.push({ userId: decodeURIComponent(req.url?.split('/').pop() ?? ''), idempotencyKey: typeof key === 'string' ? key : undefined });
    res.statusCode = 204;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const run = Date.now().toString(36);

describe('example service: POST /users through the outbox while Redis is down', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let running: RunningServer | undefined;
  let provider: Awaited<ReturnType<typeof recordingProvider>>;
  let logs: CapturedLogs;

  before(async function () {
    redis = await startRedisServer();
    if (!redis.controllable) this.skip(); // REDIS_URL given: this process cannot stop that server
    logs = captureLogs();
    provider = await recordingProvider();
    running = await startServer({
      port: 0,
      databaseUrl: process.env.DATABASE_URL || undefined,
      redisUrl: redis.url,
      notifyUrl: provider.url,
      rateLimit: { capacity: 500, refillPerSecond: 10 },
      outboxMaxBackoffMs: 500,
    });
  });
  after(async () => {
    if (running) await running.close();
    await provider?.close();
    if (redis?.controllable) await redis.stop();
    logs?.restore();
  });

  it('answers 201 promptly, keeps the job in the outbox during the outage, and delivers it once after', async () => {
    const server = running!;
    const db = await server.container.resolve(Db);
    await redis.stop();
    const started = performance.now();
    const response = await fetch(`${server.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `outage+${run}@example.com`, name: 'Ada' }),
    });
    const elapsed = performance.now() - started;
    assert.equal(response.status, 201);
    // The rate limiter alone may wait 500 ms for Redis before failing open; the job adds nothing.
    assert.ok(elapsed < 3_000, `POST /users took ${Math.round(elapsed)} ms with Redis down`);
    const user = (await response.json()) as { id: string };
    const { rows } = await db.query(`SELECT id FROM outbox WHERE payload->>'userId' = $1`, [user.id]);
    assert.equal(rows.length, 1, 'the job was not written with the user');
    const outboxId = String(rows[0]!.id);

    await waitFor(() => server.relay.stats.failedRounds >= 2, 'the relay to fail against the stopped Redis');
    assert.equal(provider.calls.length, 0, 'notified while Redis was down?');
    assert.ok((await server.relay.pending()) >= 1);

    await redis.start();
    await waitFor(() => provider.calls.some((call) => call.userId === user.id), 'the notification after Redis came back', 30_000);
    await waitFor(async () => (await server.relay.pending()) === 0, 'the outbox to be drained');
    assert.deepEqual(
      provider.calls.filter((call) => call.userId === user.id),
      [{ userId: user.id, idempotencyKey: outboxId }],
    );

    // A duplicate delivery (as after a relay crash) is acked without a second notification.
    const jobs = await server.container.resolve(JobsToken);
    await waitFor(() => server.worker.stats.succeeded === 1, 'the delivery to be acked'); // it is acked after the provider answered
    const handled = server.worker.stats.succeeded;
    await jobs.enqueue({
      outboxId,
      topic: 'user.created',
      payload: { userId: user.id, email: `outage+${run}@example.com` },
      createdAt: new Date().toISOString(),
    });
    await waitFor(() => server.worker.stats.succeeded === handled + 1, 'the duplicate to be handled');
    assert.equal(provider.calls.filter((call) => call.userId === user.id).length, 1, 'the duplicate notified the provider again');
  });

  it('a failed POST leaves no job behind: the user and its outbox record roll back together', async () => {
    const server = running!;
    const db = await server.container.resolve(Db);
    const email = `taken+${run}@example.com`;
    const post = () =>
      fetch(`${server.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, name: 'Grace' }) });
    assert.equal((await post()).status, 201);
    const before = (await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0];
    assert.equal((await post()).status, 409);
    assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0], before);
  });
});
