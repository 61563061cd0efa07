import rule from '../../src/rules/require-request-timeout.js';
import { runRuleTests } from '../setup.js';

const remedyFetch = 'Pass `signal: AbortSignal.timeout(ms)`.';
const remedyOther = 'Set `timeout` (or pass an abort `signal`).';
const fetchError = { messageId: 'missingTimeout' as const, data: { client: 'fetch', remedy: remedyFetch } };
const axiosError = { messageId: 'missingTimeout' as const, data: { client: 'axios', remedy: remedyOther } };
const gotError = { messageId: 'missingTimeout' as const, data: { client: 'got', remedy: remedyOther } };

runRuleTests('require-request-timeout', rule, {
  valid: [
    // the runtime's shape: every request carries a deadline signal
    `const response = await fetch(url, { signal: AbortSignal.timeout(5000) });`,
    `const response = await fetch(url, { method: 'POST', body, signal: AbortSignal.any([signal, AbortSignal.timeout(ms)]) });`,
    `await fetch(url, { signal });`,
    // non-literal or spread inits cannot be judged
    `await fetch(url, init);`,
    `await fetch(url, { ...defaults, method: 'GET' });`,
    `await fetch(...args);`,
    `await fetch(new Request(url, { signal: controller.signal }));`,
    `await fetch(new Request(url, init));`,
    // a local function named fetch is not the network fetch
    `function fetch(id) { return db.find(id); } fetch(1);`,
    `import { fetch } from './repository.js'; await fetch(1);`,
    `await axios.get(url, { timeout: 5000 });`,
    `await axios.post(url, body, { signal });`,
    `await axios({ url, timeout: 1000 });`,
    `await axios.request(config);`,
    `const api = axios.create({ baseURL, timeout: 5000 }); await api.get('/users');`,
    `const api = axios.create(config); await api.get('/users');`,
    `axios.defaults.timeout = 5000; await axios.get(url);`,
    `const api = axios.create(); api.defaults.timeout = 5000; await api.get('/users');`,
    `class Client { http = axios.create({ timeout: 1000 }); load() { return this.http.get('/x'); } }`,
    `await got(url, { timeout: { request: 5000 } });`,
    `await got.post(url, { json: body, timeout: { request: 5000 } });`,
    `await got(url, options);`,
    // not a network client at all
    `await cache.get(key);`,
    `await something.fetch(url);`,
  ],
  invalid: [
    {
      name: 'catalogue defect shape: an HTTP call awaited with no deadline',
      code: `async function fetchData(url) {
  const response = await fetch(url);
  return response.json();
}`,
      errors: [
        {
          ...fetchError,
          line: 2,
          column: 26,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `async function fetchData(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10000) });
  return response.json();
}`,
            },
          ],
        },
      ],
    },
    {
      code: `await fetch(url, { method: 'POST', body });`,
      options: [{ timeoutMs: 2500 }],
      errors: [
        {
          ...fetchError,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '2500' }, output: `await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(2500) });` },
          ],
        },
      ],
    },
    {
      code: `await fetch(url, {
  method: 'PUT',
});`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `await fetch(url, {
  method: 'PUT', signal: AbortSignal.timeout(10000),
});`,
            },
          ],
        },
      ],
    },
    {
      code: `await fetch(url, {});`,
      errors: [{ ...fetchError, suggestions: [{ messageId: 'addSignal', data: { ms: '10000' }, output: `await fetch(url, { signal: AbortSignal.timeout(10000) });` }] }],
    },
    {
      code: `await fetch(url,);`,
      errors: [{ ...fetchError, suggestions: [{ messageId: 'addSignal', data: { ms: '10000' }, output: `await fetch(url, { signal: AbortSignal.timeout(10000) },);` }] }],
    },
    {
      code: `await globalThis.fetch(new URL('/health', base));`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `await globalThis.fetch(new URL('/health', base), { signal: AbortSignal.timeout(10000) });` },
          ],
        },
      ],
    },
    {
      code: `await fetch(new Request(url, { method: 'GET' }));`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `await fetch(new Request(url, { method: 'GET' }), { signal: AbortSignal.timeout(10000) });` },
          ],
        },
      ],
    },
    {
      code: `import fetch from 'node-fetch'; await fetch(url);`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `import fetch from 'node-fetch'; await fetch(url, { signal: AbortSignal.timeout(10000) });` },
          ],
        },
      ],
    },
    {
      code: `const res = await fetch(url, { headers } as RequestInit);`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `const res = await fetch(url, { headers, signal: AbortSignal.timeout(10000) } as RequestInit);` },
          ],
        },
      ],
    },
    {
      code: `await axios.get(url);`,
      errors: [{ ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios.get(url, { timeout: 10000 });` }] }],
    },
    {
      code: `await axios.post(url);`,
      errors: [{ ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios.post(url, undefined, { timeout: 10000 });` }] }],
    },
    {
      code: `await axios.put(url, body, { headers });`,
      errors: [{ ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios.put(url, body, { headers, timeout: 10000 });` }] }],
    },
    {
      code: `await axios({ url, method: 'delete' });`,
      errors: [{ ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios({ url, method: 'delete', timeout: 10000 });` }] }],
    },
    {
      code: `await axios('/users');`,
      errors: [{ ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios('/users', { timeout: 10000 });` }] }],
    },
    {
      code: `import http from 'axios'; await http.head(url);`,
      errors: [{ ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `import http from 'axios'; await http.head(url, { timeout: 10000 });` }] }],
    },
    {
      name: 'an axios instance without a timeout is fixed where it is created',
      code: `const api = axios.create({ baseURL });
await api.get('/a');
await api.delete('/b');`,
      errors: [
        {
          ...axiosError,
          line: 2,
          suggestions: [
            { messageId: 'addTimeout', data: { ms: '10000' }, output: `const api = axios.create({ baseURL, timeout: 10000 });
await api.get('/a');
await api.delete('/b');` },
          ],
        },
        {
          ...axiosError,
          line: 3,
          suggestions: [
            { messageId: 'addTimeout', data: { ms: '10000' }, output: `const api = axios.create({ baseURL, timeout: 10000 });
await api.get('/a');
await api.delete('/b');` },
          ],
        },
      ],
    },
    {
      code: `class Client { load() { return this.http.get('/x'); } http = axios.create(); }`,
      errors: [
        {
          ...axiosError,
          suggestions: [
            { messageId: 'addTimeout', data: { ms: '10000' }, output: `class Client { load() { return this.http.get('/x'); } http = axios.create({ timeout: 10000 }); }` },
          ],
        },
      ],
    },
    {
      code: `await got(url);`,
      errors: [{ ...gotError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await got(url, { timeout: 10000 });` }] }],
    },
    {
      code: `await got.post(url, { json: body });`,
      errors: [{ ...gotError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await got.post(url, { json: body, timeout: 10000 });` }] }],
    },
    {
      code: `const data = await fetch(\`\${base}/users/\${id}\`).then((r) => r.json());`,
      filename: 'file.tsx',
      errors: [
        {
          ...fetchError,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `const data = await fetch(\`\${base}/users/\${id}\`, { signal: AbortSignal.timeout(10000) }).then((r) => r.json());` },
          ],
        },
      ],
    },
    {
      code: `const fetchUsers = () => fetch('/api/users');\nmodule.exports = { fetchUsers };`,
      filename: 'file.cjs',
      errors: [
        {
          ...fetchError,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `const fetchUsers = () => fetch('/api/users', { signal: AbortSignal.timeout(10000) });\nmodule.exports = { fetchUsers };` },
          ],
        },
      ],
    },
  ],
});
