import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { cached, type CacheStore } from '../src/cache.js';
import { waitFor } from './fixtures/background-helpers.js';
import { captureLogs } from './fixtures/logs.js';
import { cacheTargets, uniquePrefix } from './fixtures/cache-targets.js';
import { deferred } from './fixtures/deferred.js';

/** A loader that counts its calls per argument list and returns what `answer` computes. */
function countingLoader<A extends unknown[], R>(answer: (...args: A) => R | Promise<R>) {
  const calls: A[] = [];
  return { calls, load: async (...args: A) => (calls.push(args), answer(...args)) };
}

for (const target of cacheTargets) {
  describe(`cache contract: ${target.name}`, () => {
    let store: CacheStore;
    let close: () => Promise<void>;
    before(async () => ({ store, close } = await target.open({ scanCount: 100 })));
    after(async () => close());

    describe('store', () => {
      it('returns undefined for a missing key, the text for a stored one, the latest after overwrite', async () => {
        const key = uniquePrefix('store');
        assert.equal(await store.get(key), undefined);
        await store.set(key, 'first', 60_000);
        await store.set(key, 'second', 60_000);
        assert.equal(await store.get(key), 'second');
        await store.set(`${key}:empty`, '', 60_000);
        assert.equal(await store.get(`${key}:empty`), '');
      });

      it('expires entries after their ttl', async () => {
        const key = uniquePrefix('ttl');
        await store.set(`${key}:short`, 'gone soon', 30);
        await store.set(`${key}:long`, 'stays', 60_000);
        await delay(120);
        assert.equal(await store.get(`${key}:short`), undefined);
        assert.equal(await store.get(`${key}:long`), 'stays');
      });

      it('delete reports whether the key existed', async () => {
        const key = uniquePrefix('delete');
        await store.set(key, 'x', 60_000);
        assert.equal(await store.delete(key), true);
        assert.equal(await store.delete(key), false);
        assert.equal(await store.get(key), undefined);
      });

      it('deleteMatching follows Redis glob rules: *, ?, [set], [^set], [a-c], escapes', async () => {
        const ns = uniquePrefix('glob');
        const keys = ['user:1', 'user:2', 'user:10', 'order:1', 'star*', 'starry', 'a', 'b', 'c', 'd', 'x-y'];
        const cases: Array<[string, string[]]> = [
          ['user:?', ['user:1', 'user:2']],
          ['user:*', ['user:10']],
          ['star\\*', ['star*']],
          ['[ab]', ['a', 'b']],
          ['[^c]', ['d']],
          ['*[x-z]', ['starry', 'x-y']],
          ['o*', ['order:1']],
        ];
        for (const key of keys) await store.set(`${ns}:${key}`, key, 60_000);
        for (const [pattern, expected] of cases) {
          const removed = await store.deleteMatching(`${ns}:${pattern}`);
          const remaining = [];
          for (const key of keys) if ((await store.get(`${ns}:${key}`)) !== undefined) remaining.push(key);
          assert.equal(removed, expected.length, `pattern ${pattern}`);
          for (const key of expected) assert.ok(!remaining.includes(key), `${pattern} should remove ${key}`);
          keys.splice(0, keys.length, ...remaining);
        }
        assert.deepEqual(keys, ['c']);
      });

      it('deleteMatching removes thousands of keys across many batches and nothing else', async () => {
        const ns = uniquePrefix('bulk');
        for (let batch = 0; batch < 25; batch++) {
          await Promise.all(Array.from({ length: 100 }, (_, i) => store.set(`${ns}:doomed:${batch * 100 + i}`, 'x', 60_000)));
        }
        await store.set(`${ns}:kept`, 'keep me', 60_000);
        assert.equal(await store.deleteMatching(`${ns}:doomed:*`), 2_500);
        assert.equal(await store.get(`${ns}:doomed:1234`), undefined);
        assert.equal(await store.get(`${ns}:kept`), 'keep me');
      });

      it('deleteMatching stops with the reason when its signal is aborted', async () => {
        const reason = new Error('stop invalidating');
        await assert.rejects(store.deleteMatching(`${uniquePrefix('abort')}:*`, AbortSignal.abort(reason)), (error) => error === reason);
      });
    });

    describe('cached()', () => {
      it('catalogue defect: caches falsy and empty results (None) instead of missing forever', async () => {
        const values = [null, undefined, 0, '', false, Number.NaN, -0, [], {}];
        const { calls, load } = countingLoader((i: number) => values[i]);
        const lookup = cached(load, { prefix: uniquePrefix('falsy'), store, ttl: 60_000, negativeTtl: 60_000 });
        for (let round = 0; round < 3; round++) {
          for (const [i, expected] of values.entries()) {
            const actual = await lookup(i);
            assert.ok(Object.is(actual, expected) || (typeof expected === 'object' && expected !== null), `value ${i}`);
            assert.deepEqual(actual, expected);
          }
        }
        assert.equal(calls.length, values.length, 'each value loaded once, then served as a hit');
      });

      it('gives cached null/undefined their own, shorter TTL', async () => {
        const { calls, load } = countingLoader((id: string) => (id === 'missing' ? null : { id }));
        const lookup = cached(load, { prefix: uniquePrefix('negative'), store, ttl: 60_000, negativeTtl: 40 });
        await lookup('missing');
        await lookup('present');
        await delay(150);
        assert.equal(await lookup('missing'), null);
        assert.deepEqual(await lookup('present'), { id: 'present' });
        assert.deepEqual(calls, [['missing'], ['present'], ['missing']]);
      });

      it('negativeTtl 0 turns negative caching off', async () => {
        const { calls, load } = countingLoader(() => undefined);
        const lookup = cached(load, { prefix: uniquePrefix('no-negative'), store, negativeTtl: 0 });
        await lookup();
        await lookup();
        assert.equal(calls.length, 2);
      });

      it('catalogue defect: the key covers every argument, including named (object) arguments', async () => {
        const { calls, load } = countingLoader((id: number, options: { locale?: string; fields?: string[] }) => `${id}/${options.locale}/${options.fields}`);
        const lookup = cached(load, { prefix: uniquePrefix('kwargs'), store });
        assert.equal(await lookup(1, { locale: 'en' }), '1/en/undefined');
        assert.equal(await lookup(1, { locale: 'fr' }), '1/fr/undefined');
        assert.equal(await lookup(2, { locale: 'en' }), '2/en/undefined');
        assert.equal(await lookup(1, { locale: 'en', fields: ['name'] }), '1/en/name');
        assert.equal(calls.length, 4, 'four different calls, four loads');
        // Same arguments, keys in another order, an explicit undefined: the same call.
        assert.equal(await lookup(1, { fields: ['name'], locale: 'en' }), '1/en/name');
        assert.equal(await lookup(1, { locale: 'en', fields: undefined }), '1/en/undefined');
        assert.equal(calls.length, 4);
      });

      it('keeps argument types apart: 1 vs "1", [1, 2] vs [[1, 2]], Date vs its ISO string', async () => {
        const lookup = cached(async (...args: unknown[]) => args.length, { prefix: uniquePrefix('types'), store });
        const when = new Date('2026-01-01T00:00:00Z');
        const keys = [
          lookup.keyFor(1),
          lookup.keyFor('1'),
          lookup.keyFor(1, 2),
          lookup.keyFor([1, 2]),
          lookup.keyFor(when),
          lookup.keyFor(when.toISOString()),
          lookup.keyFor(null),
          lookup.keyFor('null'),
        ];
        assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
        assert.equal(lookup.keyFor(1), lookup.keyFor(1, undefined), 'a trailing undefined is an omitted optional argument');
        assert.equal(
          lookup.keyFor(
            new Map([
              ['a', 1],
              ['b', 2],
            ]),
          ),
          lookup.keyFor(
            new Map([
              ['b', 2],
              ['a', 1],
            ]),
          ),
        );
      });

      it('catalogue defect: 1,000 concurrent misses of one key make exactly one loader call (no stampede)', async () => {
        const gate = deferred<void>();
        const { calls, load } = countingLoader(async (id: string) => {
          await gate.promise;
          return { id, loadedAt: Date.now() };
        });
        const lookup = cached(load, { prefix: uniquePrefix('stampede'), store });
        const pending = Array.from({ length: 1_000 }, () => lookup('hot'));
        await delay(20);
        gate.resolve();
        const results = await Promise.all(pending);
        assert.equal(calls.length, 1);
        assert.ok(
          results.every((result) => result === results[0]),
          'every caller got the one loaded value',
        );
        assert.deepEqual(await lookup('hot'), results[0]);
        assert.equal(calls.length, 1, 'and it was stored');
      });

      it('a failing loader is shared by its waiters and does not poison the cache', async () => {
        const gate = deferred<string>();
        let attempt = 0;
        const lookup = cached(async () => (++attempt === 1 ? gate.promise : 'recovered'), { prefix: uniquePrefix('failing'), store });
        const waiters = Array.from({ length: 50 }, () => lookup());
        // Fail the load while it is in flight (rejecting earlier would test an already-failed load, and
        // leave the gate's rejection unhandled until the loader picks it up).
        await waitFor(() => attempt === 1, 'the shared load to start');
        const failure = new Error('database down');
        gate.reject(failure);
        const outcomes = await Promise.allSettled(waiters);
        assert.ok(outcomes.every((outcome) => outcome.status === 'rejected' && outcome.reason === failure));
        assert.equal(await lookup(), 'recovered');
        assert.equal(attempt, 2);
      });

      it('round-trips rich values exactly (Date, Map, Set, BigInt, nested undefined, a "$bw" key)', async () => {
        const value = {
          when: new Date('2026-02-03T04:05:06.789Z'),
          tags: new Set(['a', 'b']),
          scores: new Map<unknown, unknown>([
            ['x', 1n],
            [2, { deep: undefined }],
          ]),
          list: [undefined, null, Number.POSITIVE_INFINITY, -0],
          $bw: 'user data that looks like a tag',
          nested: { $bw: 'undefined' },
        };
        const { calls, load } = countingLoader(() => value);
        const lookup = cached(load, { prefix: uniquePrefix('rich'), store });
        await lookup();
        const fromStore = await lookup();
        assert.equal(calls.length, 1);
        assert.notEqual(fromStore, value, 'a decoded copy, not the same object');
        assert.deepStrictEqual(fromStore, value);
      });

      it('hands every caller one deep-frozen copy: a mutation throws, and nobody else ever sees it', async () => {
        const loaded = { roles: ['reader'], since: new Date(0), tags: new Set(['a']), limits: new Map([['daily', 1]]) };
        const lookup = cached(async () => loaded, { prefix: uniquePrefix('frozen'), store });
        const first = await lookup();
        for (const result of [first, await lookup()]) {
          assert.throws(() => result.roles.push('admin'), TypeError);
          assert.throws(() => Object.assign(result, { roles: [] }), TypeError);
          assert.throws(() => result.since.setTime(1), /cannot modify a cached value: it is deeply frozen and shared by every caller/);
          assert.throws(() => result.tags.add('b'), TypeError);
          assert.throws(() => result.limits.set('daily', 1_000), TypeError);
          assert.throws(() => result.limits.clear(), TypeError);
        }
        assert.deepStrictEqual(await lookup(), { roles: ['reader'], since: new Date(0), tags: new Set(['a']), limits: new Map([['daily', 1]]) });
        assert.equal(Object.isFrozen(loaded), false, "the loader's own object is left alone");
        const copy = structuredClone(first);
        copy.roles.push('admin');
        copy.limits.set('daily', 2);
        assert.deepEqual(copy.roles, ['reader', 'admin'], 'structuredClone gives a copy the caller may change');
      });

      it("wrong result: callers that joined one load cannot see each other's changes (one frozen value for all)", async () => {
        const gate = deferred<void>();
        const lookup = cached(async (id: string) => (await gate.promise, { id, passwordHash: 'x' }), { prefix: uniquePrefix('joiners'), store });
        const callers = Promise.all([lookup('u1'), lookup('u1'), lookup('u1')]);
        gate.resolve();
        const [loader, joiner, other] = await callers;
        assert.throws(() => delete (joiner as { passwordHash?: string }).passwordHash, TypeError);
        for (const user of [loader, joiner, other, await lookup('u1')]) assert.equal(user.passwordHash, 'x');
        // Concurrent hits (on Redis, calls that joined one GET) share a frozen value too.
        const [hit, joinedHit] = await Promise.all([lookup('u1'), lookup('u1')]);
        assert.throws(() => delete (hit as { passwordHash?: string }).passwordHash, TypeError);
        assert.equal(joinedHit.passwordHash, 'x');
      });

      it('a value that cannot be copied is neither cached nor shared: each joiner loads its own', async () => {
        const logs = captureLogs();
        try {
          const gate = deferred<void>();
          const { calls, load } = countingLoader(async () => (await gate.promise, { greet: () => 'hi', seen: [] as string[] }));
          const lookup = cached(load, { prefix: uniquePrefix('unshareable'), store });
          const callers = [lookup(), lookup(), lookup()];
          gate.resolve();
          const results = await Promise.all(callers);
          assert.equal(calls.length, 3);
          assert.equal(new Set(results).size, 3, 'three separate objects');
          results[0]!.seen.push('mine');
          assert.deepEqual(results[1]!.seen, []);
        } finally {
          logs.restore();
        }
      });

      it('invalidate(args) drops one entry; invalidateAll() drops this prefix only', async () => {
        const prefix = uniquePrefix('invalidate');
        const { calls, load } = countingLoader((id: number) => id * 10);
        const lookup = cached(load, { prefix, store });
        const nested = cached(async (id: number) => -id, { prefix: `${prefix}:nested`, store });
        await Promise.all([lookup(1), lookup(2), lookup(3), nested(1)]);
        await lookup.invalidate(2);
        await Promise.all([lookup(1), lookup(2), lookup(3)]);
        assert.deepEqual(calls.map(([id]) => id).sort(), [1, 2, 2, 3]);
        assert.equal(await lookup.invalidateAll(), 3);
        assert.equal(await store.get(nested.keyFor(1)), encodeNegative(-1), 'a prefix that merely starts the same is untouched');
        await Promise.all([lookup(1), lookup(2), lookup(3)]);
        assert.equal(calls.length, 7);
      });

      it('does not store a value whose load was in flight when it was invalidated', async () => {
        const gate = deferred<string>();
        let loads = 0;
        const lookup = cached(async () => (++loads === 1 ? gate.promise : 'fresh'), { prefix: uniquePrefix('race'), store });
        const stale = lookup();
        await delay(10);
        await lookup.invalidate();
        gate.resolve('stale');
        assert.equal(await stale, 'stale', 'the caller that started the load still gets its answer');
        await delay(20);
        assert.equal(await lookup(), 'fresh');
      });

      it('returns a value it cannot encode without caching it, and logs why', async () => {
        const logs = captureLogs();
        try {
          const { calls, load } = countingLoader(() => ({ format: () => 'a function' }));
          const lookup = cached(load, { prefix: uniquePrefix('unencodable'), store });
          assert.equal(typeof (await lookup()).format, 'function');
          await lookup();
          assert.equal(calls.length, 2);
        } finally {
          logs.restore();
        }
        const warning = logs.lines.find((line) => line.msg === 'cache: value cannot be cached; returned uncached');
        assert.match(String((warning?.err as { message?: string })?.message), /cannot encode a function at \$\.format/);
      });
    });
  });
}

/** What the nested function above stored for -1: an encoded number is its JSON text. */
function encodeNegative(n: number): string {
  return JSON.stringify(n);
}
