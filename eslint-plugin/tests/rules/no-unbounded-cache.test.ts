import rule from '../../src/rules/no-unbounded-cache.js';
import { Linter } from 'eslint';
import assert from 'node:assert/strict';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

runRuleTestsWithTypeScriptCheck('no-unbounded-cache', rule, {
  valid: [
    // runtime rate-limit shape: idle buckets are evicted, so memory stays bounded
    `class TokenBucketLimiter {
      #buckets = new Map();
      take(key, now) {
        const bucket = this.#buckets.get(key) ?? { tokens: 10, updatedAt: now };
        this.#buckets.set(key, bucket);
        this.#evictIdle(now);
      }
      #evictIdle(now) {
        for (const [key, bucket] of this.#buckets) if (now - bucket.updatedAt > 60_000) this.#buckets.delete(key);
      }
    }`,
    // a cap enforced through size
    `const cache = new Map();
    export function remember(key, value) {
      if (cache.size >= 1000) cache.delete(cache.keys().next().value);
      cache.set(key, value);
    }`,
    `const memo = new Map();
    export function get(key) { memo.set(key, compute(key)); }
    export function reset() { memo.clear(); }`,
    `const seen = {};
    function mark(id) { seen[id] = true; }
    function unmark(id) { delete seen[id]; }`,
    `const store = {};
    function put(k, v) { if (Object.keys(store).length > 100) return; store[k] = v; }`,
    `let cache = new Map();
    function put(k, v) { cache.set(k, v); }
    setInterval(() => { cache = new Map(); }, 60_000).unref();`,
    // filled once at module load: a fixed table, not a cache that grows
    `const limits = new Map();
    for (const plan of plans) limits.set(plan.id, plan.limit);
    export function limitOf(id) { return limits.get(id); }`,
    // written with fixed keys only
    `const store = {};
    function configure(value) { store.value = value; store['other'] = value; }`,
    // finite keys (issue 10): a union or enum key type, or literal keys only
    {
      code: `const statsCache = new Map<'hits' | 'misses', number>(); export function count(kind: 'hits' | 'misses') { statsCache.set(kind, (statsCache.get(kind) ?? 0) + 1); }`,
      filename: 'file.ts',
    },
    {
      code: `enum Region { Eu = 'eu', Us = 'us' }
      const clientCache: Map<Region, Client> = new Map();
      export function clientFor(regionId: Region) { if (!clientCache.has(regionId)) clientCache.set(regionId, connect(regionId)); return clientCache.get(regionId); }`,
      filename: 'file.ts',
    },
    {
      code: `type Provider = 'github' | 'google';
      class Auth { private tokenStore: Record<Provider, string> = {} as Record<Provider, string>; save(provider: Provider, token: string) { this.tokenStore[provider] = token; } }`,
      filename: 'file.ts',
    },
    `const memoStore = {}; export function warm() { memoStore.users = load('users'); memoStore['roles'] = load('roles'); }`,
    `const seen = new Set(); export function markReady() { seen.add('ready'); }`,
    {
      code: `class Sessions { #store = new Map<string, Session>(); open(kind: 'admin' | 'guest') { this.#store.set(kind, create(kind)); } }`,
      filename: 'file.ts',
    },
    // a key that is not request input, an id or a URL: a field name, an event type, a numeric argument (mongodb, effect)
    {
      code: `class LazyDocument { private readonly cache: Record<string, Element | false> = Object.create(null); get(name: string) { return (this.cache[name] ??= parse(this.bytes, name)); } }`,
      filename: 'file.ts',
    },
    `class ConflictIndex { stored = new Map(); add(entry) { let byKey = this.stored.get(entry.event); if (!byKey) this.stored.set(entry.event, (byKey = new Map())); } }`,
    `const memo = {};
    function fib(n) { return memo[n] ??= n < 2 ? n : fib(n - 1) + fib(n - 2); }`,
    `const registry = new Map(); function put(k, v) { registry.set(k, v); }`,
    // the name does not say cache
    `const users = new Map(); function add(u) { users.set(u.id, u); }`,
    // handed to code this rule cannot see: it may be shrunk there
    `const cache = new Map(); function put(k, v) { cache.set(k, v); } startEviction(cache);`,
    `export const cache = new Map(); export function put(k, v) { cache.set(k, v); }`,
    `const cache = new Map(); function put(k, v) { cache.set(k, v); } export { cache };`,
    `const cache = new Map(); function put(k, v) { cache.set(k, v); } export default cache;`,
    // garbage-collected
    `const cache = new WeakMap(); function put(k, v) { cache.set(k, v); }`,
    `const cache = new LRUCache({ max: 500 }); function put(k, v) { cache.set(k, v); }`,
    // not module level
    `function handler() { const cache = new Map(); cache.set('a', 1); }`,
    `class Service { static cache = new Map(); put(k, v) { Service.cache.set(k, v); } }`,
    { code: `const cache = new Map(); function put(k, v) { cache.set(k, v); }`, options: [{ namePattern: '^memo$' }] },
    {
      code: `class MatchRecord { store = new Map(); add(target, n) { this.store.set(target, n); } }`,
      options: [{ classFields: false }],
    },
  ],
  invalid: [
    {
      name: 'catalogue defect: in-memory rate-limit buckets grow forever (one per key, never evicted)',
      code: `class RateLimiter {
        buckets = new Map();
        constructor(requestsPerSecond = 10) { this.rate = requestsPerSecond; }
        async acquire(key = 'default') {
          const now = Date.now() / 1000;
          const bucket = this.buckets.get(key) ?? { tokens: this.rate, lastUpdate: now };
          bucket.tokens = Math.min(this.rate, bucket.tokens + (now - bucket.lastUpdate) * this.rate);
          bucket.lastUpdate = now;
          this.buckets.set(key, bucket);
          if (bucket.tokens >= 1) { bucket.tokens -= 1; return true; }
          return false;
        }
      }`,
      errors: [{ messageId: 'unbounded', data: { name: 'this.buckets' }, line: 2, column: 9 }],
    },
    {
      code: `const cache = new Map();
      export async function getUser(id) {
        if (cache.has(id)) return cache.get(id);
        const user = await loadUser(id);
        cache.set(id, user);
        return user;
      }`,
      errors: [{ messageId: 'unbounded', data: { name: 'cache' }, line: 1, column: 7 }],
    },
    {
      code: `const memo = {};
      function render(url) { return memo[url] ??= renderPage(url); }`,
      errors: [{ messageId: 'unbounded', data: { name: 'memo' } }],
    },
    {
      code: `var requestCounts = Object.create(null);
      const limitByIp = {};
      app.use((req, res, next) => { limitByIp[req.ip] = (limitByIp[req.ip] || 0) + 1; next(); });`,
      errors: [{ messageId: 'unbounded', data: { name: 'limitByIp' }, line: 2 }],
    },
    {
      code: `const seenIds = new Set();
      export const dedupe = (message) => { if (seenIds.has(message.id)) return false; seenIds.add(message.id); return true; };`,
      errors: [{ messageId: 'unbounded', data: { name: 'seenIds' } }],
    },
    {
      code: `const hitsPerKeyStore = {};
      function hit(key) { hitsPerKeyStore[key]++; }`,
      errors: [{ messageId: 'unbounded' }],
    },
    {
      name: 'reads and iteration do not bound it',
      code: `const responseCache = new Map();
      function put(url, v) { responseCache.set(url, v); }
      function dump() { for (const entry of responseCache) console.log(entry); return [...responseCache.values()]; }`,
      errors: [{ messageId: 'unbounded' }],
    },
    {
      name: 'a field created in the constructor',
      code: `class Memo {
        constructor() { this.memoized = new Map(); }
        get(userId) { if (!this.memoized.has(userId)) this.memoized.set(userId, compute(userId)); return this.memoized.get(userId); }
      }`,
      errors: [{ messageId: 'unbounded', data: { name: 'this.memoized' }, line: 2 }],
    },
    {
      code: `class Limiter {
        take(key) { this.#limits.set(key, 1); }
        #limits = new Map();
      }`,
      errors: [{ messageId: 'unbounded', data: { name: 'this.#limits' }, line: 3 }],
    },
    {
      code: `const cache = new Map<string, User>();
      export async function getUser(id: string): Promise<User> {
        const user = await loadUser(id);
        cache!.set(id, user);
        return user;
      }`,
      filename: 'file.ts',
      errors: [{ messageId: 'unbounded' }],
    },
    {
      code: `const cache: Record<string, string> = {} as Record<string, string>;
      export function put(sessionId: string, v: string) { (cache as Record<string, string>)[sessionId] = v; }`,
      filename: 'file.ts',
      errors: [{ messageId: 'unbounded' }],
    },
    {
      code: `class Sessions { private sessionStore: Map<string, Session> = new Map(); save(s: Session) { this.sessionStore.set(s.id, s); } }`,
      filename: 'file.ts',
      errors: [{ messageId: 'unbounded', data: { name: 'this.sessionStore' } }],
    },
    // keys from request input, ids and URLs (issue 10)
    {
      code: `const responseCache = new Map();
      app.get('/proxy', async (req, res) => { const body = await fetchUpstream(req.query.target); responseCache.set(req.originalUrl, body); res.send(body); });`,
      errors: [{ messageId: 'unbounded', data: { name: 'responseCache' } }],
    },
    {
      code: `const avatarCache = new Map<string, Buffer>();
      export async function avatar(user: User) { const key = \`\${user.email}:\${size}\`; avatarCache.set(key, await render(user)); }`,
      filename: 'file.ts',
      errors: [{ messageId: 'unbounded', data: { name: 'avatarCache' } }],
    },
    {
      code: `const registry = new Map(); function put(clientId, v) { registry.set(clientId, v); }`,
      options: [{ namePattern: 'registry' }],
      errors: [{ messageId: 'unbounded', data: { name: 'registry' } }],
    },
  ],
});

describe('no-unbounded-cache options', () => {
  it('rejects an invalid namePattern with an error that names the option', () => {
    const linter = new Linter({ configType: 'flat' });
    const config = {
      plugins: { bulwark: { rules: { 'no-unbounded-cache': rule } } },
      rules: { 'bulwark/no-unbounded-cache': ['error', { namePattern: 'cache(' }] },
    } as unknown as Linter.Config;
    assert.throws(() => linter.verify('const x = 1;', config, 'file.js'), /option "namePattern" is not a valid regular expression \(cache\(\)/);
  });
});
