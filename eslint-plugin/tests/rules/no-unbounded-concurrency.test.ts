import rule from '../../src/rules/no-unbounded-concurrency.js';
import { runRuleTests } from '../setup.js';

runRuleTests('no-unbounded-concurrency', rule, {
  valid: [
    // runtime/src/concurrency: mapWithConcurrency bounds the fan-out
    `import { mapWithConcurrency } from './concurrency.js';
    const users = await mapWithConcurrency(ids, 8, (id, _index, signal) => fetch(\`/users/\${id}\`, { signal }));`,
    // p-limit and queues bound it too
    `import pLimit from 'p-limit';
    const limit = pLimit(5);
    await Promise.all(urls.map((url) => limit(() => fetch(url))));`,
    `const gate = pLimit(5);
    await Promise.all(urls.map((url) => gate(() => fetch(url))));`,
    `await Promise.all(urls.map((url) => queue.add(() => fetch(url))));`,
    `await Promise.all(urls.map((url) => this.limiter.schedule(() => axios.get(url))));`,
    `async function load(id) { return fetch('/u/' + id); }
    await Promise.all(ids.map((id) => limit(() => load(id))));`,
    // a fixed number of calls
    `await Promise.all([fetch('/a'), fetch('/b')]);`,
    `await Promise.all(['/a', '/b', '/c'].map((path) => fetch(path)));`,
    // batches: the surrounding loop bounds each fan-out
    `for (const batch of chunk(urls, 10)) await Promise.all(batch.map((url) => fetch(url)));`,
    `for (let i = 0; i < urls.length; i += 10) await Promise.all(urls.slice(i, i + 10).map((url) => fetch(url)));`,
    // not network calls
    `await Promise.all(files.map((file) => fs.readFile(file)));`,
    `await Promise.all(rows.map(async (row) => transform(row)));`,
    `await Promise.all(items.map(process));`,
    `function fetch(x) { return x; }
    await Promise.all(items.map(fetch));`,
    `import { fetch } from './local-fetch.js';
    await Promise.all(items.map(fetch));`,
    // not Promise combinators over a map
    `await Promise.all(promises);`,
    `await Promise.all(urls.filter(Boolean));`,
    `urls.map((url) => fetch(url));`,
    `await Promise.resolve(urls.map((url) => fetch(url)));`,
    { code: `await Promise.all(urls.map((url) => pool(() => fetch(url))));`, options: [{ limiters: ['pool'] }] },
    // --- issue 10: a small fixed fan-out is bounded by the code itself
    `const regions = ['eu-west-1', 'us-east-1', 'ap-south-1'];
const health = await Promise.all(regions.map((region) => fetch(\`https://\${region}.api.example.com/health\`)));`,
    `const PROVIDERS = ['github', 'gitlab'] as const;
await Promise.all(PROVIDERS.map((provider) => fetch(\`https://auth.example.com/\${provider}/keys\`)));`,
    `import { SUPPORTED_LOCALES } from './i18n.js';
await Promise.all(SUPPORTED_LOCALES.map((locale) => axios.get(\`https://cdn.example.com/\${locale}.json\`, { timeout: 5000 })));`,
    `const endpoints = { users: '/users', orders: '/orders' };
await Promise.all(Object.keys(endpoints).map((name) => fetch(base + endpoints[name])));`,
    `await Promise.all(Object.entries({ a: urlA, b: urlB }).map(([key, url]) => fetch(url)));`,
    `const ids: [string, string] = [first, second];
await Promise.all(ids.map((id) => fetch(\`https://api.example.com/items/\${id}\`)));`,
    `enum Feed { News = 'news', Sports = 'sports' }
await Promise.all(Object.values(Feed).map((feed) => fetch(\`https://feeds.example.com/\${feed}\`)));`,
    `const mirrors = ['https://a.example.com', 'https://b.example.com'];
await Promise.any(mirrors.filter(Boolean).map((m) => fetch(m)));`,
    `await Promise.all(Array.from({ length: 3 }, (_, i) => i).map((i) => fetch(\`https://api.example.com/shard/\${i}\`)));`,
    `await Promise.all(this.config.WEBHOOK_URLS.map((url) => fetch(url, { method: 'POST', body })));`,
    `async function send(batch) { return Promise.all(batch.map((event) => fetch(sink, { method: 'POST', body: JSON.stringify(event) }))); }`,
    // --- issue 10: browser code fetching its own origin
    `'use client';
export const loadAll = (ids) => Promise.all(ids.map((id) => fetch(\`/api/items/\${id}\`)));`,
  ],
  invalid: [
    {
      name: 'seed shape: QueueProcessor gathers one call per received message at once',
      code: `async function run(queue, handler) {
        const messages = await queue.receive();
        const results = await Promise.allSettled(messages.map((m) => fetch(handler.url, { method: 'POST', body: JSON.stringify(m) })));
        return results;
      }`,
      errors: [{ messageId: 'unbounded', data: { combinator: 'allSettled' }, line: 3, column: 31 }],
    },
    {
      code: `const users = await Promise.all(ids.map(async (id) => {
        const response = await fetch(\`https://api.example.com/users/\${id}\`);
        return response.json();
      }));`,
      errors: [{ messageId: 'unbounded', data: { combinator: 'all' }, line: 1, column: 21 }],
    },
    { code: `await Promise.all(urls.map(fetch));`, errors: [{ messageId: 'unbounded' }] },
    { code: `await Promise.all(ids.map(axios.get));`, errors: [{ messageId: 'unbounded' }] },
    { code: `await Promise.any(mirrors.map((m) => got(m)));`, errors: [{ messageId: 'unbounded', data: { combinator: 'any' } }] },
    { code: `await Promise.race(hosts.map((h) => axios.head(h)));`, errors: [{ messageId: 'unbounded', data: { combinator: 'race' } }] },
    { code: `await Promise.all([...urls].map((url) => fetch(url)));`, errors: [{ messageId: 'unbounded' }] },
    { code: `await Promise.all(Object.keys(services).map((name) => fetch(services[name])));`, errors: [{ messageId: 'unbounded' }] },
    {
      name: 'an axios instance created in the file',
      code: `const api = axios.create({ baseURL, timeout: 5000 });
      await Promise.all(ids.map((id) => api.get(\`/items/\${id}\`)));`,
      errors: [{ messageId: 'unbounded', line: 2 }],
    },
    {
      name: 'through a function declared in the file',
      code: `async function loadUser(id) {
        const response = await fetch('/users/' + id);
        return response.json();
      }
      export const loadAll = (ids) => Promise.all(ids.map((id) => loadUser(id)));`,
      errors: [{ messageId: 'unbounded', line: 5 }],
    },
    {
      code: `const loadUser = async (id) => (await fetch('/users/' + id)).json();
      await Promise.all(ids.map(loadUser));`,
      errors: [{ messageId: 'unbounded', line: 2 }],
    },
    {
      name: 'a retry wrapper does not bound concurrency',
      code: `await Promise.all(urls.map((url) => retry(() => fetch(url))));`,
      errors: [{ messageId: 'unbounded' }],
    },
    {
      code: `const pages: Page[] = await Promise.all((urls as string[]).map((url: string) => fetch(url)));`,
      filename: 'file.ts',
      errors: [{ messageId: 'unbounded' }],
    },
    {
      code: `await Promise.all(urls.map((url) => limit(() => fetch(url))));`,
      options: [{ limiters: [] }],
      errors: [{ messageId: 'unbounded' }],
    },

    // a const array that grows is no fixed list
    {
      code: `const urls = ['https://a.example.com'];
for (const extra of more) urls.push(extra);
await Promise.all(urls.map((url) => fetch(url)));`,
      errors: [{ messageId: 'unbounded', line: 3 }],
    },
    {
      code: `let hosts = ['a', 'b'];\nhosts = await discover();\nawait Promise.all(hosts.map((h) => fetch(h)));`,
      errors: [{ messageId: 'unbounded', line: 3 }],
    },
    {
      code: `const users = await db.users.findMany();\nawait Promise.all(users.map((u) => fetch(\`https://crm.example.com/sync/\${u.id}\`, { method: 'POST' })));`,
      errors: [{ messageId: 'unbounded', line: 2 }],
    },
    { code: `await Promise.all(Object.keys(req.body).map((key) => fetch(\`https://api.example.com/\${key}\`)));`, errors: [{ messageId: 'unbounded' }] },
  ],
});
