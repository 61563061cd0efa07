// `npm run load`: the example service on PostgreSQL and Redis under autocannon, first steady, then with
// redis-server stopped and started again mid-run. Stores the `load` section of docs/benchmarks.md.
// Needs DATABASE_URL (scripts/load.mjs starts a throwaway PostgreSQL) and redis-server on PATH.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { renderReport } from '../report.js';
import { describeMachine, writeSection, type FactTable, type TargetCheck } from '../results.js';
import { startDurableRedis, type DurableRedis } from './durable-redis.js';
import type { ChildMessage, ParentMessage, ServiceStats } from './service.js';
import { createMix, readMix, renameMix, type ResponseRecord, type Route, type TrafficOptions } from './traffic.js';

// Each kind of traffic has its own connections: an autocannon connection sends one request at a time, so a
// create waiting for Redis would otherwise hold up the reads and renames queued behind it.
const READERS = 24;
const CREATORS = 4;
const RENAMERS = 4;
const STEADY_SECONDS = 15;
const FAULT_SECONDS = 20;
const STOP_AT_SECONDS = 6;
const RESTART_AT_SECONDS = 10;
const SEED_USERS = 500;
// High enough that this run never reaches it from its single client address: the limiter is exercised
// (one Redis decision per request) without turning the load test into a 429 test.
const RATE_PER_MINUTE = 1_000_000;
const DRAIN_DEADLINE_MS = 60_000;

interface Phase {
  readonly name: string;
  readonly reads: Result;
  readonly creates: Result;
  readonly renames: Result;
  readonly responses: readonly ResponseRecord[];
}

class Service {
  private readonly waiting = new Map<string, (message: ChildMessage) => void>();
  private constructor(private readonly child: ChildProcess, readonly url: string, readonly providerUrl: string) {
    child.on('message', (message: ChildMessage) => this.waiting.get(message.type)?.(message));
  }

  static async start(env: NodeJS.ProcessEnv, logFile: string): Promise<Service> {
    const log = openSync(logFile, 'a');
    const child = fork(fileURLToPath(new URL('./service.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env,
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    const ready = new Promise<ChildMessage>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the example service exited (${code}) before listening; see ${logFile}`)));
    });
    const message = await ready;
    if (message.type !== 'ready') throw new Error(`unexpected first message from the service: ${JSON.stringify(message)}`);
    return new Service(child, message.url, message.providerUrl);
  }

  private ask<T extends ChildMessage['type']>(message: ParentMessage, reply: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service did not answer ${message.type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set('failed', (failure) => {
        clearTimeout(timer);
        reject(new Error(`the service failed ${message.type}: ${(failure as { error: string }).error}`));
      });
      this.waiting.set(reply, (answer) => {
        clearTimeout(timer);
        resolve(answer as Extract<ChildMessage, { type: T }>);
      });
      this.child.send(message);
    });
  }

  async stats(): Promise<ServiceStats> {
    return (await this.ask({ type: 'stats' }, 'stats', 5_000)).stats;
  }

  /** Graceful: stop accepting, finish in-flight requests and jobs, release Redis and PostgreSQL. */
  async stop(): Promise<unknown> {
    const exited = once(this.child, 'exit');
    const { outcome } = await this.ask({ type: 'stop' }, 'stopped', 30_000);
    // Everything is closed once it answers; a process that still does not exit holds a handle it leaked.
    const lingering = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
    if (lingering) {
      this.kill();
      throw new Error('the service answered stop but did not exit within 10 s: a handle is left open');
    }
    return outcome;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

async function seedUsers(url: string, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SEED_USERS; i++) {
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `seed-${tag}-${i}@example.com`, name: `Seed ${i}` }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 201) throw new Error(`seeding user ${i}: HTTP ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

async function drive(name: string, url: string, seconds: number, userIds: string[], tag: string, during?: (startedAt: number) => Promise<void>): Promise<Phase> {
  const responses: ResponseRecord[] = [];
  let startedAt = Date.now();
  const traffic: TrafficOptions = { userIds, ratePerMinute: RATE_PER_MINUTE, emailTag: tag, record: (r) => responses.push(r), startedAt: () => startedAt };
  const run = (connections: number, requests: ReturnType<typeof readMix>) => autocannon({ url, connections, duration: seconds, timeout: 10, requests });
  const started = Promise.all([run(READERS, readMix(traffic)), run(CREATORS, createMix(traffic)), run(RENAMERS, renameMix(traffic))] as const);
  startedAt = Date.now();
  const [[reads, creates, renames]] = await Promise.all([started, during?.(startedAt)]);
  for (const [kind, result] of [['reads', reads], ['creates', creates], ['renames', renames]] as const) {
    console.error(`load: ${name}, ${kind}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  }
  return { name, reads, creates, renames, responses };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const statusText = (counts: Map<string, number>) =>
  [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${status}: ${count.toLocaleString('en-US')}`).join(', ');

function phaseRows(phase: Phase): string[][] {
  const row = (kind: string, result: Result, own: readonly ResponseRecord[]) => [
    phase.name,
    kind,
    Math.round(result.requests.average).toLocaleString('en-US'),
    `${result.latency.p50} ms`,
    `${result.latency.p99} ms`,
    `${result.latency.max} ms`,
    own.length.toLocaleString('en-US'),
    statusText(countBy(own, (r) => String(r.status))),
    String(result.errors + result.timeouts),
  ];
  return [
    row(`reads (${READERS} connections)`, phase.reads, phase.responses.filter((r) => r.route.startsWith('GET'))),
    row(`creates (${CREATORS} connections)`, phase.creates, phase.responses.filter((r) => r.route === 'POST /users')),
    row(`renames (${RENAMERS} connections)`, phase.renames, phase.responses.filter((r) => r.route === 'PATCH /users/:id')),
  ];
}

function routeTable(phase: Phase): FactTable {
  const routes: Route[] = ['GET /users/:id', 'GET /users', 'POST /users', 'PATCH /users/:id'];
  return {
    title: `Statuses per route, ${phase.name}`,
    columns: ['route', 'responses', 'statuses'],
    rows: routes.map((route) => {
      const own = phase.responses.filter((r) => r.route === route);
      return [route, own.length.toLocaleString('en-US'), statusText(countBy(own, (r) => String(r.status)))];
    }),
  };
}

function timeline(phase: Phase): FactTable {
  const rows: string[][] = [];
  const last = Math.max(...phase.responses.map((r) => r.second));
  for (let second = 0; second <= last; second++) {
    const own = phase.responses.filter((r) => r.second === second);
    const reads = own.filter((r) => r.cache !== undefined);
    const misses = reads.filter((r) => r.cache === 'MISS').length;
    const event = second === STOP_AT_SECONDS ? ' ← redis-server stopped' : second === RESTART_AT_SECONDS ? ' ← redis-server started again' : '';
    rows.push([
      `${second}–${second + 1} s${event}`,
      own.filter((r) => r.route.startsWith('GET')).length.toLocaleString('en-US'),
      own.filter((r) => r.route === 'POST /users').length.toLocaleString('en-US'),
      own.filter((r) => r.route === 'PATCH /users/:id').length.toLocaleString('en-US'),
      String(own.filter((r) => r.status >= 200 && r.status < 300).length),
      String(own.filter((r) => r.status === 429).length),
      String(own.filter((r) => r.status >= 500).length),
      reads.length === 0 ? '—' : `${Math.round((100 * misses) / reads.length)} %`,
      String(own.filter((r) => r.limiterDegraded).length),
    ]);
  }
  return {
    title: 'Fault run, second by second',
    columns: ['second', 'reads answered', 'creates answered', 'renames answered', '2xx', '429', '5xx', 'cache misses (reads by id)', 'limiter decided without Redis (fail-open)'],
    rows,
    notes: [
      'A cache miss is a read the database answered (X-Cache: MISS). "Decided without Redis" counts responses whose RateLimit headers carry the fail-open decision (remaining = limit, reset 0).',
    ],
  };
}

/** Waits until the Redis queue is empty and every job is settled; bounded by DRAIN_DEADLINE_MS. */
async function drain(service: Service): Promise<ServiceStats> {
  const deadline = Date.now() + DRAIN_DEADLINE_MS;
  let stats = await service.stats();
  while (Date.now() < deadline) {
    const queue = stats.queue;
    if (queue && queue.ready + queue.processing + queue.delayed === 0) return stats;
    await sleep(500);
    stats = await service.stats();
  }
  return stats;
}

interface LogEntry {
  level?: number;
  msg?: string;
  status?: number;
  err?: { message?: string; stack?: string };
}

function logEntries(logFile: string, from: number): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of readFileSync(logFile, 'utf8').slice(from).split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // not a log entry (a line cut short when the process was stopped)
    }
  }
  return entries;
}

function warningsIn(entries: readonly LogEntry[]): FactTable {
  const messages = countBy(
    entries.filter((entry) => (entry.level ?? 0) >= 40),
    (entry) => `${entry.level === 40 ? 'warn' : 'error'}: ${entry.msg}`,
  );
  return {
    title: 'Service log during the fault run: warnings and errors',
    columns: ['level: message', 'lines'],
    rows: [...messages].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([message, count]) => [message, String(count)]),
    notes: ['An outage should cost a handful of lines (one when trouble starts, one when it ends), not one per request.'],
  };
}

// The example's cache has its own fail-fast ioredis client (createRedisCacheClient: no offline queue, one
// retry per command, 250 ms command timeout); the limiter and the queue share a default client (offline
// queue, 20 retries, no command timeout). These messages can therefore only come from the cache's client,
// even when ioredis raised them from a timer, where the stack shows no runtime file.
const CACHE_CLIENT_ERRORS = [/enableOfflineQueue options is false/, /max retries per request limit \(which is 1\)/, /^Command timed out$/];

/** Where each logged 5xx came from: the cache's Redis client, or else the innermost runtime file in its stack. */
function serverErrorCauses(entries: readonly LogEntry[]): Map<string, number> {
  const failures = entries.filter((entry) => entry.err !== undefined && (entry.status ?? 500) >= 500 && (entry.level ?? 0) >= 50);
  return countBy(failures, (entry) => {
    const message = entry.err!.message ?? '';
    const origin = CACHE_CLIENT_ERRORS.some((pattern) => pattern.test(message))
      ? 'cache (its Redis client)'
      : (/runtime\/src\/[\w/.-]+\.ts/.exec(entry.err!.stack ?? '')?.[0] ?? 'unknown origin');
    return `${origin}: ${message}`;
  });
}

/** Users this run inserted (their emails carry the run's tag), against the users the provider heard about. */
async function jobAccounting(db: pg.Client, service: Service, tag: string) {
  const rows = (await db.query<{ id: string }>('SELECT id FROM users WHERE email LIKE $1', [`%-${tag}-%`])).rows;
  const response = await fetch(`${service.providerUrl}/internal/notifications`, { signal: AbortSignal.timeout(10_000) });
  const notified = new Set(((await response.json()) as Array<{ userId: string }>).map((n) => n.userId));
  const missing = rows.filter((row) => !notified.has(row.id)).map((row) => row.id);
  return { inserted: rows.length, notified: rows.length - missing.length, missing };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: run `npm run load` (it starts PostgreSQL), or set it to a PostgreSQL you can write to');
  const machine = describeMachine();
  const tag = Date.now().toString(36);
  const logFile = join(tmpdir(), `bulwark-load-${tag}.log`);
  const redis: DurableRedis = await startDurableRedis();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  let service: Service | undefined;
  try {
    service = await Service.start({ ...process.env, REDIS_URL: redis.url, DATABASE_URL: databaseUrl, RATE_LIMIT_PER_MINUTE: String(RATE_PER_MINUTE), LOG_LEVEL: 'info' }, logFile);
    console.error(`load: example service on ${service.url} (log: ${logFile})`);
    const userIds = await seedUsers(service.url, tag);

    const steady = await drive('steady', service.url, STEADY_SECONDS, userIds, tag);
    const logOffset = readFileSync(logFile, 'utf8').length;
    const faultName = `Redis restarted (down ${STOP_AT_SECONDS}–${RESTART_AT_SECONDS} s)`;
    const fault = await drive(faultName, service.url, FAULT_SECONDS, userIds, tag, async (startedAt) => {
      await sleep(startedAt + STOP_AT_SECONDS * 1000 - Date.now());
      await redis.stop();
      console.error('load: redis-server stopped');
      await sleep(startedAt + RESTART_AT_SECONDS * 1000 - Date.now());
      await redis.start();
      console.error('load: redis-server started again');
    });

    const settled = await drain(service);
    const accounting = await jobAccounting(db, service, tag);
    const stopOutcome = await service.stop();
    service = undefined;

    const allResponses = [...steady.responses, ...fault.responses];
    const createdOk = allResponses.filter((r) => r.route === 'POST /users' && r.status === 201).length + SEED_USERS;
    const createFailures = allResponses.filter((r) => r.route === 'POST /users' && r.status >= 500).length;
    const { worker, queue } = settled;
    const left = queue ? queue.ready + queue.processing + queue.delayed : NaN;
    const dead = queue?.dead ?? NaN;
    const lost = accounting.inserted - accounting.notified - dead;

    const readsInFault = fault.responses.filter((r) => r.route.startsWith('GET'));
    const reads5xx = readsInFault.filter((r) => r.status >= 500).length;
    const all5xx = fault.responses.filter((r) => r.status >= 500);
    const degraded = fault.responses.filter((r) => r.limiterDegraded).length;
    const denied = fault.responses.filter((r) => r.status === 429).length;
    const readsDuringOutage = readsInFault.filter((r) => r.second >= STOP_AT_SECONDS && r.second < RESTART_AT_SECONDS).length;

    const faultLog = logEntries(logFile, logOffset);
    const causes = serverErrorCauses(faultLog);
    const cacheCaused = [...causes].filter(([cause]) => cause.startsWith('cache') || cause.startsWith('runtime/src/cache')).reduce((sum, [, count]) => sum + count, 0);
    const createsDuringOutage = fault.responses.filter((r) => r.route === 'POST /users' && r.second > STOP_AT_SECONDS && r.second < RESTART_AT_SECONDS).length;

    const summary: FactTable = {
      title: 'Throughput and latency',
      columns: ['run', 'traffic', 'req/s (mean)', 'p50', 'p99', 'max', 'responses', 'statuses', 'socket errors + timeouts'],
      rows: [...phaseRows(steady), ...phaseRows(fault)],
    };
    const jobs: FactTable = {
      title: 'Notification jobs: enqueued vs processed + dead-lettered',
      columns: ['users inserted by this run', 'notified (processed)', 'dead-lettered', 'left in queue', 'lost', 'POST 201s (incl. seed)', 'POST 5xx', 'worker retries', 'settle failures'],
      rows: [[accounting.inserted, accounting.notified, dead, left, lost, createdOk, createFailures, worker.retried, worker.settleFailures].map((n) => n.toLocaleString('en-US'))],
      notes: [
        `Every inserted user should cause exactly one job, so users are matched by id with what the stand-in notification provider received, after the queue drained (ready + processing + delayed = 0, waited for at most ${DRAIN_DEADLINE_MS / 1000} s) and before a graceful stop (${JSON.stringify(stopOutcome)}). Lost = inserted − notified − dead-lettered.`,
        'A job whose BLMOVE reply was lost when Redis went down stays in the processing list until `RedisQueue.recover()` delivers it again; the service runs it every 2 s with a 10 s visibility timeout here (the example defaults are 60 s and 5 min), so such jobs are re-delivered inside the drain window.',
        'More inserts than 201s: creates still in flight when autocannon stopped were finished by the server (their client had left). ' +
          (createFailures > 0
            ? `${createFailures} POST /users answered 5xx; a user inserted before its enqueue failed gets no notification, because the example enqueues after the INSERT, outside a transaction (an outbox table would close that gap).`
            : 'No create answered 5xx.'),
        ...(accounting.missing.length > 0 ? [`Users with no notification: ${accounting.missing.slice(0, 5).join(', ')}${accounting.missing.length > 5 ? '…' : ''}.`] : []),
      ],
    };
    const targets: TargetCheck[] = [
      { target: 'Redis restart: no 5xx on reads (the cache degrades to the database)', measured: `${reads5xx} of ${readsInFault.length.toLocaleString('en-US')} reads; ${readsDuringOutage.toLocaleString('en-US')} answered while Redis was down`, met: reads5xx === 0 && readsDuringOutage > 0 },
      {
        target: 'Redis restart: no 5xx caused by the cache, on any route',
        measured:
          all5xx.length === 0
            ? '0 responses 5xx'
            : `${statusText(countBy(all5xx, (r) => `${r.route} ${r.status}`))}; from the cache: ${cacheCaused}`,
        met: all5xx.length === 0 || (cacheCaused === 0 && causes.size > 0),
      },
      {
        target: "rate limiter follows its policy (the example's default, fail-open): admits without Redis, no 429",
        measured: `${degraded.toLocaleString('en-US')} fail-open decisions, ${denied} × 429`,
        met: degraded > 0 && denied === 0,
      },
      {
        target: 'no background message lost (inserted users = notified + dead-lettered)',
        measured: `${accounting.inserted.toLocaleString('en-US')} = ${accounting.notified.toLocaleString('en-US')} + ${dead}${left > 0 ? `, ${left} still queued` : ''}`,
        met: lost === 0 && left === 0,
      },
    ];
    const body = [
      `The example service (runtime/example, started through its \`startServer()\` in a child process, logging every request at info to a file) on PostgreSQL ${(await db.query('SHOW server_version')).rows[0].server_version} (\`scripts/services.sh\` \`start_postgres\`) and a redis-server with an append-only file (\`appendfsync everysec\`, so a restart keeps queued jobs). autocannon drives it from this process on 127.0.0.1: ${READERS} reader connections loop over 7 reads by id (random among ${SEED_USERS} seeded users, so mostly cache hits) and 1 list; ${CREATORS} connections create users (insert, then enqueue a notification job); ${RENAMERS} rename random seeded users (update, then invalidate the cache entry). Rate limit: a Redis sliding window of ${RATE_PER_MINUTE.toLocaleString('en-US')} per minute per client address, so every request costs one limiter decision but this single-address load is never denied.`,
      '',
      `The second run stops redis-server (SIGTERM) ${STOP_AT_SECONDS} s in and starts it again on the same port and data at ${RESTART_AT_SECONDS} s.`,
      '',
      `What the outage did: reads went on (${readsDuringOutage.toLocaleString('en-US')} answered while Redis was down, from the database). Creates answered between ${STOP_AT_SECONDS + 1} s and ${RESTART_AT_SECONDS} s: ${createsDuringOutage}; the longest took ${fault.creates.latency.max.toLocaleString('en-US')} ms, because a create waits for its job's LPUSH, which the queue's ioredis client holds in its offline queue until Redis is back. ${all5xx.some((r) => r.route.startsWith('PATCH')) ? "Renames depend on the cache's invalidation succeeding (see the 5xx below)." : 'Renames went on: an invalidation the cache could not deliver is remembered, its key read from the database meanwhile, and delivered once Redis answers again.'}`,
      ...(causes.size > 0
        ? ['', `Logged causes of the 5xx responses: ${[...causes].map(([cause, count]) => `${count} × \`${cause}\``).join('; ')}.`]
        : []),
    ].join('\n');
    await writeSection(
      { id: 'load', title: 'Load and faults: the example service', body, comparisons: [], facts: [summary, routeTable(steady), routeTable(fault), timeline(fault), jobs, warningsIn(faultLog)], targets },
      machine,
    );
    console.error(`load: wrote ${await renderReport()}`);
  } finally {
    service?.kill();
    await db.end();
    await redis.dispose();
  }
}

await main();
