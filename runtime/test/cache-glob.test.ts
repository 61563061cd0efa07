// globMatcher against the real thing: every generated pattern must pick exactly the keys Redis's KEYS picks.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { escapeGlob, globMatcher } from '../src/cache/glob.js';
import { MemoryStore } from '../src/cache/memory.js';
import { uniquePrefix } from './fixtures/cache-targets.js';
import { redisServer } from './fixtures/redis.js';

/** Every key of up to `length` characters over `alphabet`. */
function allWords(alphabet: readonly string[], length: number): string[] {
  const words = [''];
  for (let n = 0, from = 0; n < length; n++) {
    const to = words.length;
    for (let i = from; i < to; i++) for (const ch of alphabet) words.push(words[i] + ch);
    from = to;
  }
  return words;
}

// Characters that mean something in a glob, two plain ones that can bound a range, and one of two UTF-8 bytes.
const KEY_ALPHABET = ['a', 'c', '-', '^', ']', '[', '\\', '*', 'é'];
const PATTERN_ALPHABET = [...KEY_ALPHABET, '?', 'b'];

describe('cache/glob: globMatcher agrees with Redis', () => {
  let redis: Redis;
  let namespace: string;
  let words: string[];

  before(async () => {
    redis = new Redis((await redisServer()).url);
    if (redis.status !== 'ready') await once(redis, 'ready');
    namespace = `${uniquePrefix('glob-oracle')}:`;
    words = allWords(KEY_ALPHABET, 3);
    await redis.mset(...words.flatMap((word) => [namespace + word, '1']));
  });
  after(async () => {
    await redis.unlink(...words.map((word) => namespace + word));
    redis.disconnect();
  });

  /** The words Redis's KEYS and globMatcher pick for `pattern`, sorted. */
  async function bothPick(pattern: string): Promise<{ redis: string[]; ours: string[] }> {
    // The escaped namespace in front keeps KEYS to this suite's keys.
    const glob = escapeGlob(namespace) + pattern;
    const matches = globMatcher(glob);
    return {
      redis: (await redis.keys(glob)).map((key) => key.slice(namespace.length)).sort(),
      ours: words.filter((word) => matches(namespace + word)).sort(),
    };
  }

  it('property: any pattern over glob syntax picks the same keys, ranges backwards or ending in "]", unclosed classes and bytes of "é" included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...PATTERN_ALPHABET), { maxLength: 7 }), async (chars) => {
        const picked = await bothPick(chars.join(''));
        assert.deepEqual(picked.ours, picked.redis);
      }),
      { numRuns: 400 },
    );
  });

  it('picks the same keys for the patterns where a regular expression translation went wrong', async () => {
    for (const pattern of ['[c-a]', '[a-]', '[a-]c', '[a-\\]]', '[\\]-a]', '[^-a]', '[a', '[^', '?', '??', '[é]', 'é*', '\\', 'a\\', '*a*c', '**', '[]a]']) {
      const picked = await bothPick(pattern);
      assert.deepEqual(picked.ours, picked.redis, pattern);
    }
  });

  it('gives up past 1,000 nested stars, as Redis does to bound abusive patterns', async () => {
    for (const stars of [1_000, 1_001]) {
      const key = `${namespace}${'a'.repeat(stars + 2)}`;
      const pattern = escapeGlob(namespace) + '*a'.repeat(stars);
      await redis.set(key, '1');
      try {
        assert.equal(globMatcher(pattern)(key), (await redis.keys(pattern)).includes(key), `${stars} stars`);
      } finally {
        await redis.unlink(key);
      }
    }
    assert.equal(globMatcher('*a'.repeat(1_000))('a'.repeat(1_000)), true);
    assert.equal(globMatcher('*a'.repeat(1_001))('a'.repeat(1_001)), false);
  });

  it('MemoryStore.deleteMatching takes a backwards range, which a RegExp refused', async () => {
    const store = new MemoryStore();
    for (const key of ['a', 'b', 'c', 'd']) await store.set(key, '1', 60_000);
    assert.equal(await store.deleteMatching('[c-a]'), 3);
    assert.equal(await store.get('d'), '1');
  });
});
