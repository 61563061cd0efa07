import rule from '../../src/rules/no-truthy-cache-check.js';
import { Linter } from 'eslint';
import assert from 'node:assert/strict';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

/** The `== null` suggestion for a case whose only change is `from` → `nullishForm`. */
function compare(code: string, from: string, nullishForm: string) {
  return [{ messageId: 'compareWithNullish' as const, output: code.replace(from, nullishForm) }];
}

const seedDefect = `async function getProduct(productId) {
  const cacheKey = \`product:\${productId}\`;
  const cachedValue = await this.cache.get(cacheKey);
  if (cachedValue) return cachedValue;
  const result = await this.repo.get(productId);
  await this.cache.set(cacheKey, result, 600);
  return result;
}`;

const negated = `async function load(key) {
  const hit = await redis.get(key);
  if (!hit) {
    const fresh = await compute(key);
    await redis.set(key, JSON.stringify(fresh));
    return fresh;
  }
  return JSON.parse(hit);
}`;

const negatedRaw = `async function load(key) {
  const hit = await redis.get(key);
  if (!hit) {
    const fresh = await compute(key);
    await redis.set(key, fresh);
    return fresh;
  }
  return hit;
}`;

const ternary = `async function load(key) {
  const value = await cache.get(key);
  return value ? value : cache.set(key, await compute(key));
}`;

const fallback = `async function load(key) {
  const value = await cache.get(key);
  const result = value || await compute(key);
  await cache.set(key, result);
  return result;
}`;

const fallbackInChain = `async function load(key) {
  const value = await cache.get(key);
  const result = value || other || await compute(key);
  await cache.set(key, result);
  return result;
}`;

const fallbackWithAnd = `async function load(key) {
  const value = await cache.get(key);
  const result = value || (ok && await compute(key));
  await cache.set(key, result);
  return result;
}`;

const fallbackRightAnd = `async function load(key) {
  const value = await cache.get(key);
  const result = value || ok && await compute(key);
  await cache.set(key, result);
  return result;
}`;

const doubleNegation = `async function load(key) {
  const value = await cache.get(key);
  const hit = !!value;
  if (!hit) await cache.set(key, await compute(key));
}`;

const negationInsideNot = `async function load(key) {
  const value = await cache.get(key);
  const miss = !value;
  await store.set(key, 1);
  if (miss) await cache.set(key, await compute(key));
}`;

const typed = `async function load(key: string): Promise<number> {
  const count = (await this.cache.get(key)) as number | undefined;
  if (count) return count;
  const fresh = await countRows();
  await this.cache.set(key, fresh);
  return fresh;
}`;

const andValue = `async function load(key) {
  const value = await cache.get(key);
  await cache.set(key, await compute(key));
  return value && value.name;
}`;

const andCondition = `async function load(key) {
  const session = await sessionStore.get(key);
  if (session && session.valid) return session;
  await sessionStore.set(key, await create());
}`;

const bitwise = `async function load(key) {
  const value = await cache.get(key);
  const misses = +!value;
  await cache.set(key, misses);
}`;

const setInCallback = `async function load(key) {
  const value = await cache.get(key);
  if (value) return value;
  return compute(key).then((fresh) => cache.set(key, fresh));
}`;

const redisTyped = `class Quotes {
  constructor(private readonly client: RedisClientType) {}
  async price(symbol: string) {
    const price = await this.client.get(symbol);
    if (!price) {
      const fresh = String(await fetchPrice(symbol));
      await this.client.set(symbol, fresh);
      return fresh;
    }
    return price;
  }
}`;

runRuleTestsWithTypeScriptCheck('no-truthy-cache-check', rule, {
  valid: [
    // runtime cache shape: hits and misses are told apart explicitly
    `async function getOrLoad(key, load) {
      const cached = await cache.get(key);
      if (cached !== undefined) return cached;
      const value = await load();
      await cache.set(key, value);
      return value;
    }`,
    `async function getOrLoad(key) {
      const raw = await redis.get(key);
      if (raw !== null) return JSON.parse(raw);
      await redis.set(key, '1');
    }`,
    `async function f(key) { const v = await cache.get(key); const r = v ?? await load(); await cache.set(key, r); return r; }`,
    `async function f(key) { const v = await cache.get(key); if (v === undefined) await cache.set(key, 1); }`,
    `async function f(key) { const v = await cache.get(key); if (v != null) return v; await cache.set(key, 1); }`,
    // every write stores a value that cannot be falsy, so a falsy read is a miss (issue 10)
    negated,
    `async function getSession(id) {
      const cached = await this.cache.get(id);
      if (cached) return cached;
      const session = { id, createdAt: Date.now() };
      await this.cache.set(id, session);
      return session;
    }`,
    `async function tags(key) {
      const hit = await redisClient.get(key);
      if (hit) return JSON.parse(hit);
      const fresh = await loadTags();
      await redisClient.setEx(key, 60, JSON.stringify(fresh));
      return fresh;
    }`,
    `async function list(key) { const v = await cache.get(key); if (!v) await cache.set(key, [await load()]); return v; }`,
    `async function lock(key) { const held = await store.get(key); if (held) return false; await store.set(key, \`owner:\${pid}\`); return true; }`,
    // no write in the same function: a read-only lookup decides nothing about caching
    `async function f(key) { const v = await cache.get(key); return v ? JSON.parse(v) : null; }`,
    // a different object is written
    `async function f(key) { const v = await cache.get(key); if (v) return v; await other.set(key, 1); }`,
    // not a cache by name
    `async function f(key) { const user = await users.get(key); if (user) return user; await users.set(key, 1); }`,
    // not awaited: a synchronous Map read is another rule's business
    `function f(key) { const v = cache.get(key); if (v) return v; cache.set(key, 1); }`,
    // reassigned before the test
    `async function f(key) { let v = await cache.get(key); v = parse(v); if (v) return v; await cache.set(key, 1); }`,
    // the value is used, not tested
    `async function f(key) { const v = await cache.get(key); await cache.set(key, v + 1); return fallback || v; }`,
    `async function f(key) { const v = await cache.get(key); const ok = other && v; await cache.set(key, ok); }`,
    // the write is in another function
    `async function read(key) { const v = await cache.get(key); if (v) return v; }
    async function write(key) { await cache.set(key, 1); }`,
    { code: `async function f(k) { const v = await cache.get(k); if (v) return v; await cache.set(k, 1); }`, options: [{ namePattern: '^redis$' }] },
  ],
  invalid: [
    {
      name: 'a receiver declared as a Redis client is checked whatever its name, and gets `== null`',
      code: redisTyped,
      filename: 'file.ts',
      errors: [
        {
          messageId: 'truthyCheck',
          data: { name: 'price', cache: 'this.client' },
          suggestions: compare(redisTyped, 'if (!price)', 'if (price == null)'),
        },
      ],
    },
    {
      name: 'catalogue defect: @cached cannot cache a falsy result, so it is a miss forever',
      code: seedDefect,
      errors: [
        {
          messageId: 'truthyCheck',
          data: { name: 'cachedValue', cache: 'this.cache' },
          line: 4,
          column: 7,
          suggestions: compare(seedDefect, 'if (cachedValue)', 'if (cachedValue != null)'),
        },
      ],
    },
    {
      name: 'a Redis receiver: a miss is null, so only `== null` is offered (issue 11)',
      code: negatedRaw,
      errors: [
        {
          messageId: 'truthyCheck',
          line: 3,
          suggestions: compare(negatedRaw, 'if (!hit)', 'if (hit == null)'),
        },
      ],
    },
    {
      code: ternary,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: compare(ternary, 'return value ?', 'return value != null ?'),
        },
      ],
    },
    {
      code: fallback,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: [{ messageId: 'useNullish', output: fallback.replace('value ||', 'value ??') }],
        },
      ],
    },
    {
      name: '?? may not be mixed with || without parentheses',
      code: fallbackInChain,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: [{ messageId: 'useNullish', output: fallbackInChain.replace('value || other', '(value ?? other)') }],
        },
      ],
    },
    {
      code: fallbackWithAnd,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: [{ messageId: 'useNullish', output: fallbackWithAnd.replace('value ||', 'value ??') }],
        },
      ],
    },
    {
      name: '?? may not be mixed with && without parentheses',
      code: fallbackRightAnd,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: [
            {
              messageId: 'useNullish',
              output: fallbackRightAnd.replace('value || ok && await compute(key)', 'value ?? (ok && await compute(key))'),
            },
          ],
        },
      ],
    },
    {
      code: doubleNegation,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: compare(doubleNegation, '!!value', 'value != null'),
        },
      ],
    },
    {
      code: negationInsideNot,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: compare(negationInsideNot, '!value', 'value == null'),
        },
      ],
    },
    {
      code: andCondition,
      errors: [
        {
          messageId: 'truthyCheck',
          data: { name: 'session', cache: 'sessionStore' },
          line: 3,
          column: 7,
          suggestions: compare(andCondition, 'if (session &&', 'if (session != null &&'),
        },
      ],
    },
    {
      name: 'a comparison next to a tighter operator is parenthesised',
      code: bitwise,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: compare(bitwise, '+!value', '+(value == null)'),
        },
      ],
    },
    {
      name: 'a value used by && gets no suggestion: any comparison would change what is returned',
      code: andValue,
      errors: [{ messageId: 'truthyCheck', line: 4, suggestions: [] }],
    },
    {
      name: 'the write may sit in a callback of the same function',
      code: setInCallback,
      errors: [
        {
          messageId: 'truthyCheck',
          suggestions: compare(setInCallback, 'if (value)', 'if (value != null)'),
        },
      ],
    },
    {
      code: typed,
      filename: 'file.ts',
      errors: [
        {
          messageId: 'truthyCheck',
          data: { name: 'count', cache: 'this.cache' },
          suggestions: [
            { messageId: 'compareWithUndefined', output: typed.replace('if (count)', 'if (count !== undefined)') },
            ...compare(typed, 'if (count)', 'if (count != null)'),
          ],
        },
      ],
    },
  ],
});

describe('no-truthy-cache-check options', () => {
  it('rejects an invalid namePattern with an error that names the option', () => {
    const linter = new Linter({ configType: 'flat' });
    const config = {
      plugins: { bulwark: { rules: { 'no-truthy-cache-check': rule } } },
      rules: { 'bulwark/no-truthy-cache-check': ['error', { namePattern: 'cache(' }] },
    } as unknown as Linter.Config;
    assert.throws(() => linter.verify('const x = 1;', config, 'file.js'), /option "namePattern" is not a valid regular expression \(cache\(\)/);
  });
});
