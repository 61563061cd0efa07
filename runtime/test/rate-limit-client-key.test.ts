// Which bucket a request spends from by default, in each adapter and on each runtime Hono runs on.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { TokenBucketLimiter, clientAddressKey, type RateLimitDecision, type RateLimiter } from '../src/rate-limit.js';
import { rateLimit as expressRateLimit } from '../src/rate-limit/express.js';
import { rateLimit as honoRateLimit } from '../src/rate-limit/hono.js';
import { rateLimit as fastifyRateLimit } from '../src/rate-limit/fastify.js';

/** A real token bucket that records the keys it is asked about. */
function recordingLimiter(capacity = 10) {
  const limiter = new TokenBucketLimiter({ capacity, refillPerSecond: 0.1 });
  const keys: string[] = [];
  const recorder: RateLimiter = {
    policy: limiter.policy,
    take: (key: string): RateLimitDecision => {
      keys.push(key);
      return limiter.take(key);
    },
  };
  return { limiter: recorder, keys };
}

describe('rate-limit adapters: the default key', () => {
  it('express: follows `trust proxy`, keying by the forwarded client address', async () => {
    const { limiter, keys } = recordingLimiter();
    const app = express();
    app.set('trust proxy', true);
    app.use(expressRateLimit({ limiter }));
    app.get('/', (_req, res) => void res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      assert.equal(await response.text(), 'ok');
    } finally {
      server.closeAllConnections();
      server.close();
    }
    assert.deepEqual(keys, ['ip:203.0.113.7']);
  });

  it('fastify: follows `trustProxy`, keying by the forwarded client address', async () => {
    const { limiter, keys } = recordingLimiter();
    const app = Fastify({ trustProxy: true });
    app.addHook('onRequest', fastifyRateLimit({ limiter }));
    app.get('/', async () => 'ok');
    const response = await app.inject({ url: '/', headers: { 'x-forwarded-for': '2001:db8:1:2:3::9' } });
    await app.close();
    assert.equal(response.body, 'ok');
    assert.deepEqual(keys, ['ip:2001:db8:1:2::/64']);
  });

  it('hono: reads the peer address where each runtime puts it (node-server bindings, Bun requestIP, Deno remoteAddr)', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['@hono/node-server', { incoming: { socket: { remoteAddress: '::ffff:192.0.2.1' } } }, 'ip:192.0.2.1'],
      ['@hono/node-server, custom bindings', { server: { incoming: { socket: { remoteAddress: '192.0.2.2' } } } }, 'ip:192.0.2.2'],
      ['Bun', { requestIP: (request: Request) => ({ address: new URL(request.url).pathname === '/' ? '192.0.2.3' : 'wrong request' }) }, 'ip:192.0.2.3'],
      ['Bun without an address, Deno-style fallback', { requestIP: () => null, remoteAddr: { hostname: '192.0.2.4' } }, 'ip:192.0.2.4'],
      ['Deno', { remoteAddr: { hostname: '2001:db8::5' } }, 'ip:2001:db8:0:0::/64'],
      ['a requestIP that is not a function is not called', { requestIP: '192.0.2.9', remoteAddr: { hostname: '192.0.2.6' } }, 'ip:192.0.2.6'],
    ];
    for (const [runtime, env, key] of cases) {
      const { limiter, keys } = recordingLimiter();
      const app = new Hono();
      app.use(honoRateLimit({ limiter }));
      app.get('/', (c) => c.text('ok'));
      const response = await app.request('/', {}, env);
      assert.equal(await response.text(), 'ok', runtime);
      assert.deepEqual(keys, [key], runtime);
    }
  });

  it('hono: puts the RateLimit headers on a Response the handler built itself', async () => {
    const { limiter } = recordingLimiter(3);
    const app = new Hono();
    app.use(honoRateLimit({ limiter, key: () => 'one' }));
    app.get('/', () => new Response('raw', { headers: { 'x-own': 'kept' } }));
    const response = await app.request('/');
    assert.equal(await response.text(), 'raw');
    assert.equal(response.headers.get('x-own'), 'kept');
    assert.equal(response.headers.get('ratelimit-remaining'), '2');
  });

  it('every adapter: refuses missing options or a limiter without take() with the same TypeError', () => {
    for (const build of [expressRateLimit, honoRateLimit, fastifyRateLimit] as Array<(options: unknown) => unknown>) {
      for (const options of [undefined, null, { limiter: { policy: { limit: 1, windowMs: 1000 } } }]) {
        assert.throws(() => build(options), { name: 'TypeError', message: 'rateLimit needs a limiter (TokenBucketLimiter or SlidingWindowLimiter)' });
      }
    }
  });
});

describe('rate-limit: clientAddressKey', () => {
  const hexGroup = fc.integer({ min: 0, max: 0xffff });
  /** One group as a client may spell it: any case, up to four digits with leading zeros. */
  const spell = (group: number, pad: number, upper: boolean) => {
    const hex = group.toString(16).padStart(Math.min(4, group.toString(16).length + pad), '0');
    return upper ? hex.toUpperCase() : hex;
  };

  const eightGroups = fc.array(hexGroup, { minLength: 8, maxLength: 8 });
  /** IPv4-mapped addresses (::ffff:0:0/96) often, so that their many spellings are exercised too. */
  const mappedGroups = fc.tuple(hexGroup, hexGroup).map(([high, low]) => [0, 0, 0, 0, 0, 0xffff, high, low]);

  it('property: every spelling of an address (case, leading zeros, ::, an IPv4 tail, a zone) keys to its /64, or to its IPv4 when mapped', () => {
    fc.assert(
      fc.property(
        fc.oneof(eightGroups, mappedGroups),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { minLength: 8, maxLength: 8 }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 8 })), { nil: undefined }),
        fc.boolean(),
        fc.option(fc.constantFrom('eth0', '1', 'en0'), { nil: undefined }),
        (groups, spellings, zeroRun, ipv4Tail, zone) => {
          // Only a run of zero groups may be written as `::`.
          const [from, length] = zeroRun ?? [0, 0];
          let to = from;
          while (to < Math.min(8, from + length) && groups[to] === 0) to++;
          const parts = groups.map((g, i) => spell(g, spellings[i]![0], spellings[i]![1]));
          const dotted = [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
          if (ipv4Tail) parts.splice(6, 2, dotted);
          const text = to > from && !(ipv4Tail && to > 6) ? `${parts.slice(0, from).join(':')}::${parts.slice(to).join(':')}` : parts.join(':');
          const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
          const expected = mapped
            ? `ip:${dotted}`
            : `ip:${groups
                .slice(0, 4)
                .map((g) => g.toString(16))
                .join(':')}::/64`;
          assert.equal(clientAddressKey(zone ? `${text}%${zone}` : text), expected, text);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keys IPv4 and IPv4-mapped IPv6 by the IPv4 address, and anything unparsable by itself', () => {
    assert.equal(clientAddressKey('::ffff:198.51.100.7'), 'ip:198.51.100.7');
    assert.equal(clientAddressKey('::FFFF:198.51.100.7%eth0'), 'ip:198.51.100.7');
    assert.equal(clientAddressKey('0:0:0:0:0:ffff:198.51.100.7'), 'ip:198.51.100.7');
    assert.equal(clientAddressKey('::ffff:c633:6407'), 'ip:198.51.100.7');
    assert.equal(clientAddressKey('198.51.100.7'), 'ip:198.51.100.7');
    assert.equal(clientAddressKey(''), 'ip:unknown');
    for (const odd of ['1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8::9', 'unix:socket']) {
      assert.equal(clientAddressKey(odd), `ip:${odd}`, odd);
    }
  });
});
