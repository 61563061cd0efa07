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
  ],
});
