import rule from '../../src/rules/require-retry.js';
import { runRuleTests } from '../setup.js';

const wrappers = 'retry, withRetry, pRetry, backOff, fetchWithRetry';
const error = (method: string) => ({ messageId: 'missingRetry' as const, data: { method, wrappers } });
const withImport = { importNote: " and import it from './retry.js'" };

runRuleTests('require-retry', rule, {
  valid: [
    // the runtime's shape: the request runs inside retry(), with its own timeout
    `import { retry } from './retry.js';
const user = await retry(({ signal }) => fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) }), { signal });`,
    `await pRetry(async () => { const res = await fetch(url); return res.json(); }, { retries: 3 });`,
    `await backOff(() => axios.get(url, { timeout: 1000 }));`,
    // a named function the file hands to a wrapper, before or after its definition
    `async function loadUser(id) { return fetch('/users/' + id); }
await retry(() => loadUser(1));`,
    `await withRetry(loadUser);
async function loadUser() { return fetch('/users/me'); }`,
    `class Users { async load(id) { return this.http.get('/users/' + id); } find(id) { return retry(() => this.load(id)); } }`,
    `const load = () => fetch(url); export const loadWithRetry = fetchWithRetry(load);`,
    // not idempotent, or method unknown
    `await fetch(url, { method: 'POST', body });`,
    `await fetch(url, { method: 'PATCH', body, headers: { 'Content-Type': 'application/json' } });`,
    `await axios.post(url, body);`,
    `await fetch(url, { method });`,
    `await fetch(url, init);`,
    `await fetch(new Request(url, { method: 'POST' }));`,
    // got retries by default; axios-retry covers the instance
    `await got(url);`,
    `await got.get(url);`,
    `const api = axios.create({ timeout: 1000 }); axiosRetry(api, { retries: 3 }); await api.get('/users');`,
    `axiosRetry(axios); await axios.get(url);`,
    { code: `await myRetry(() => fetch(url));`, options: [{ wrappers: ['myRetry'] }] },
  ],
  invalid: [
    {
      name: 'an idempotent GET with no retry',
      code: `import { db } from './db.js';
export async function getUser(id) {
  const res = await fetch(\`/users/\${id}\`);
  return res.json();
}`,
      errors: [
        {
          ...error('GET'),
          line: 3,
          column: 21,
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: withImport,
              output: `import { db } from './db.js';
import { retry } from './retry.js';
export async function getUser(id) {
  const res = await retry(() => fetch(\`/users/\${id}\`));
  return res.json();
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'retry already imported: only the call is wrapped',
      code: `import { retry } from "./lib/retry.js";\nawait axios.get(url, { timeout: 1000 });`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            { messageId: 'wrapInRetry', data: { importNote: '' }, output: `import { retry } from "./lib/retry.js";\nawait retry(() => axios.get(url, { timeout: 1000 }));` },
          ],
        },
      ],
    },
    {
      name: 'two calls: applying both suggestions imports retry once',
      code: `await fetch(a);\nawait fetch(b, { method: 'DELETE' });`,
      options: [{ importSource: '@/patterns/retry' }],
      errors: [
        {
          ...error('GET'),
          suggestions: [
            { messageId: 'wrapInRetry', data: { importNote: " and import it from '@/patterns/retry'" }, output: `import { retry } from '@/patterns/retry';\nawait retry(() => fetch(a));\nawait fetch(b, { method: 'DELETE' });` },
          ],
        },
        {
          ...error('DELETE'),
          suggestions: [
            { messageId: 'wrapInRetry', data: { importNote: " and import it from '@/patterns/retry'" }, output: `import { retry } from '@/patterns/retry';\nawait fetch(a);\nawait retry(() => fetch(b, { method: 'DELETE' }));` },
          ],
        },
      ],
    },
    {
      code: `'use server';\nexport const head = () => axios.head(url);`,
      errors: [
        {
          ...error('HEAD'),
          suggestions: [
            { messageId: 'wrapInRetry', data: withImport, output: `'use server';\nimport { retry } from './retry.js';\nexport const head = () => retry(() => axios.head(url));` },
          ],
        },
      ],
    },
    {
      name: 'POST with an Idempotency-Key header is safe to retry, so it must be',
      code: `const retry = makeRetry();\nawait fetch(url, { method: 'post', body, headers: { 'Idempotency-Key': key } });`,
      errors: [
        {
          ...error('POST'),
          suggestions: [
            { messageId: 'wrapInRetry', data: { importNote: '' }, output: `const retry = makeRetry();\nawait retry(() => fetch(url, { method: 'post', body, headers: { 'Idempotency-Key': key } }));` },
          ],
        },
      ],
    },
    {
      code: `const retry = makeRetry();\nawait axios.patch(url, body, { headers: new Headers({ 'idempotency-key': key }) });`,
      errors: [
        {
          ...error('PATCH'),
          suggestions: [
            { messageId: 'wrapInRetry', data: { importNote: '' }, output: `const retry = makeRetry();\nawait retry(() => axios.patch(url, body, { headers: new Headers({ 'idempotency-key': key }) }));` },
          ],
        },
      ],
    },
    {
      name: 'an axios instance not registered with axios-retry',
      code: `const retry = makeRetry();\nconst api = axios.create(); axiosRetry(other); api.put('/a', body);`,
      errors: [
        {
          ...error('PUT'),
          suggestions: [
            { messageId: 'wrapInRetry', data: { importNote: '' }, output: `const retry = makeRetry();\nconst api = axios.create(); axiosRetry(other); retry(() => api.put('/a', body));` },
          ],
        },
      ],
    },
    {
      name: 'a function passed to something that is not a retry wrapper',
      code: `const retry = makeRetry();\nsetTimeout(() => fetch(url), 10);`,
      errors: [
        {
          ...error('GET'),
          suggestions: [{ messageId: 'wrapInRetry', data: { importNote: '' }, output: `const retry = makeRetry();\nsetTimeout(() => retry(() => fetch(url)), 10);` }],
        },
      ],
    },
    {
      code: `const { retry } = require('./retry');\nmodule.exports = () => fetch(url);`,
      filename: 'file.cjs',
      errors: [
        {
          ...error('GET'),
          suggestions: [
            { messageId: 'wrapInRetry', data: { importNote: '' }, output: `const { retry } = require('./retry');\nmodule.exports = () => retry(() => fetch(url));` },
          ],
        },
      ],
    },
    {
      code: `export function Users() { const data = use(fetch('/api/users') as Promise<Response>); return <ul>{String(data)}</ul>; }`,
      filename: 'file.tsx',
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: withImport,
              output: `import { retry } from './retry.js';\nexport function Users() { const data = use(retry(() => fetch('/api/users')) as Promise<Response>); return <ul>{String(data)}</ul>; }`,
            },
          ],
        },
      ],
    },
  ],
});
