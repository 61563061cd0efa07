// The request mix of the load test and what is recorded about every response: its route, status,
// second of the run, whether the cache answered, and whether the rate limiter decided without Redis.
import type { AutocannonRequest } from 'autocannon';

export type Route = 'GET /users/:id' | 'GET /users' | 'POST /users' | 'PATCH /users/:id';

export interface ResponseRecord {
  readonly route: Route;
  readonly status: number;
  /** Whole seconds since the phase started. */
  readonly second: number;
  /** X-Cache of a read by id: MISS means the database answered. */
  readonly cache?: 'HIT' | 'MISS';
  /** The limiter's headers show a failure-policy decision (RateLimit-Remaining equal to the limit, no reset). */
  readonly limiterDegraded: boolean;
}

export interface TrafficOptions {
  readonly userIds: readonly string[];
  readonly ratePerMinute: number;
  /** Unique per run, so created emails never collide with earlier ones. */
  readonly emailTag: string;
  readonly record: (response: ResponseRecord) => void;
  readonly startedAt: () => number;
}

let created = 0;

function observer(options: TrafficOptions) {
  return (route: Route) => (status: number, _body: string, _context: unknown, headers: Record<string, string>) => {
    const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const cache = lower['x-cache'];
    options.record({
      route,
      status,
      second: Math.floor((Date.now() - options.startedAt()) / 1000),
      ...(cache === 'HIT' || cache === 'MISS' ? { cache } : {}),
      limiterDegraded: lower['ratelimit-remaining'] === String(options.ratePerMinute) && lower['ratelimit-reset'] === '0',
    });
  };
}

const randomIdOf = (userIds: readonly string[]) => () => userIds[Math.floor(Math.random() * userIds.length)]!;

/** A reader connection's loop: 7 reads by id of a random seeded user (mostly cache hits), then one list page. */
export function readMix(options: TrafficOptions): AutocannonRequest[] {
  const observe = observer(options);
  const randomId = randomIdOf(options.userIds);
  const readById: AutocannonRequest = {
    method: 'GET',
    setupRequest: (request) => ({ ...request, path: `/users/${randomId()}` }),
    onResponse: observe('GET /users/:id'),
  };
  return [readById, readById, readById, readById, readById, readById, readById, { method: 'GET', path: '/users?limit=20', onResponse: observe('GET /users') }];
}

/** A creator connection's loop: create a user, which inserts it and then enqueues its notification job. */
export function createMix(options: TrafficOptions): AutocannonRequest[] {
  const observe = observer(options);
  return [
    {
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        created++;
        return { ...request, body: JSON.stringify({ email: `load-${options.emailTag}-${created}@example.com`, name: `Load ${created}` }) };
      },
      onResponse: observe('POST /users'),
    },
  ];
}

/** A renamer connection's loop: rename a random seeded user, which invalidates its cache entry. */
export function renameMix(options: TrafficOptions): AutocannonRequest[] {
  const observe = observer(options);
  const randomId = randomIdOf(options.userIds);
  return [
    {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, path: `/users/${randomId()}`, body: JSON.stringify({ name: `Renamed ${Date.now()}` }) }),
      onResponse: observe('PATCH /users/:id'),
    },
  ];
}
