import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import rule from '../../src/rules/require-retry.js';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

const wrappers = 'retry, withRetry, pRetry, backOff, fetchWithRetry';
const error = (method: string) => ({ messageId: 'missingRetry' as const, data: { method, wrappers } });
const noPattern = ' (no retry pattern found in the project: import it from yours)';
/** The suggestion's message data: the name it wraps with, whether the arrow is async, the import note. */
const wrap = (importNote = '', name = 'retry', isAsync = false) => ({ name, async: isAsync ? 'async ' : '', importNote });
const withImport = wrap(" and import it from './retry.js'");
const importLocal: [{ importSource: string }] = [{ importSource: './retry.js' }];

// Projects holding a copy of the Bulwark retry pattern, for the suggestion to find and import.
const fixtures = mkdtempSync(join(tmpdir(), 'bulwark-require-retry-'));
const provenance = '// bulwark: retry@1.2.0 sha256:0123456789abcdef (where this copy came from; keep it for `bulwark update`)\n';
function project(name: string, files: Record<string, string>): string {
  const root = join(fixtures, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
const plain = project('plain', { 'package.json': '{}', 'src/patterns/retry.ts': `${provenance}export async function retry() {}\n` });
const aliased = project('aliased', {
  'package.json': '{"type":"module"}',
  'bulwark.json': '{"patternsDir":"lib/bulwark","importStyle":"@/"}',
  'lib/bulwark/retry.ts': `/**\n * Bulwark pattern: retry\n * Retries.\n *\n * Patterns used: log\n * Packages used: none\n */\n`,
});
const esm = project('esm', { 'package.json': '{"type":"module"}', 'src/patterns/retry.ts': `${provenance}export async function retry() {}\n` });
const notOurs = project('not-ours', { 'package.json': '{}', 'src/patterns/retry.ts': 'export async function retry() {}\n' });

runRuleTestsWithTypeScriptCheck('require-retry', rule, {
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
    // best effort: the failure is dropped on purpose, so it cannot fail the operation
    `fetch('https://telemetry.example.com/ping', { method: 'HEAD' }).catch(() => {});`,
    `void fetch(\`https://cache.example.com/warm/\${key}\`);`,
    `await axios.get(url, { timeout: 1000 }).then((r) => r.data).catch(() => null);`,
    // a Request object passed in carries its own method
    `export async function proxy(request: Request) { return fetch(request); }`,
    // --- issue 10: browser code calling its own origin (the browser owns the connection; Node cannot send it)
    `'use client';
export function Profile() {
  const load = async () => { const res = await fetch('/api/profile'); return res.json(); };
  return load;
}`,
    `import { useEffect, useState } from 'react';
export function Orders({ id }) {
  const [orders, setOrders] = useState([]);
  useEffect(() => { fetch(\`/api/orders/\${id}\`).then((r) => r.json()).then(setOrders); }, [id]);
  return orders;
}`,
    `export async function save() { return fetch(\`\${window.location.origin}/api/save\`, { method: 'PUT', body: '{}' }); }`,
    `const url = new URL('/api/items', location.origin);
const list = () => fetch(url.href);
document.title = 'x';
await fetch('/api/items?page=2');`,
    { code: `'use client';\nexport const load = () => axios.get('/api/me');`, filename: 'file.tsx' },
    // browser code in general: the user retries by acting again, and data libraries retry queries
    `'use client';\nexport const loadRepo = () => fetch('https://api.github.com/repos/acme/app');`,
    // --- issue 10: already retried by the loop around it (with a growing delay, or counting attempts)
    `export async function sendWithBackoff(url) {
  let delay = 500;
  while (true) {
    const res = await fetch(url);
    if (res.status !== 429 && res.status < 500) return res;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay *= 2;
  }
}`,
    `async function getJson(url) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return res.json();
    } catch (error) {
      if (attempt === 3) throw error;
    }
    await sleep(250 * 2 ** attempt);
  }
}`,
    `async function poll(url) {
  let tries = 0;
  do { const res = await axios.get(url, { timeout: 1000 }); if (res.data.ready) return res.data; } while (++tries < 5);
}`,
    // a loop that counts its attempts in its body retries (no-hand-rolled-retry judges how)
    `async function fetchConfluenceData(url) {
  let retryCounter = 0;
  while (true) {
    retryCounter += 1;
    try {
      const response = await fetch(url, { headers });
      if (!response.ok) throw new Error(\`Failed: \${response.status}\`);
      return await response.json();
    } catch (error) {
      if (retryCounter >= this.maxRetries) throw error;
    }
  }
}`,
    // LangChain's AsyncCaller retries what it runs
    `const res = await this.caller.call(async () => fetch(\`\${this.baseUrl}/v1/models\`, { headers }));`,
    // the function implements the retry itself
    `async function fetchWithRetries(url, attempts = 3) { const res = await fetch(url); return res; }`,
    `const requestWithBackoff = async (url) => axios.get(url, { timeout: 1000 });`,
    // any wrapper named for retrying, or the pattern imported under another name
    `await withRetries(() => fetch(url), { attempts: 3 });`,
    `await this.retryable(() => axios.get(url, { timeout: 1000 }));`,
    `import { retry as withBackoff } from '@/patterns/retry';
await withBackoff(() => fetch(url));`,
    // TanStack Query and SWR retry failed queries by default
    `export const useUser = (id) => useQuery({ queryKey: ['user', id], queryFn: () => fetch(\`https://api.example.com/users/\${id}\`).then((r) => r.json()) });`,
    `const { data } = useSWR('user', (key) => fetch(\`https://api.example.com/\${key}\`).then((r) => r.json()));`,
    `export const userQuery = queryOptions({ queryKey: ['me'], queryFn: async () => (await fetch('https://api.example.com/me')).json() });`,
  ],
  invalid: [
    {
      name: 'an idempotent GET with no retry',
      code: `import { db } from './db.js';
export async function getUser(id) {
  const res = await fetch(\`/users/\${id}\`);
  return res.json();
}`,
      options: importLocal,
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
            {
              messageId: 'wrapInRetry',
              data: wrap(),
              output: `import { retry } from "./lib/retry.js";\nawait retry(() => axios.get(url, { timeout: 1000 }));`,
            },
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
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from '@/patterns/retry'"),
              output: `import { retry } from '@/patterns/retry';\nawait retry(() => fetch(a));\nawait fetch(b, { method: 'DELETE' });`,
            },
          ],
        },
        {
          ...error('DELETE'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from '@/patterns/retry'"),
              output: `import { retry } from '@/patterns/retry';\nawait fetch(a);\nawait retry(() => fetch(b, { method: 'DELETE' }));`,
            },
          ],
        },
      ],
    },
    {
      code: `'use server';\nexport const head = () => axios.head(url);`,
      options: importLocal,
      errors: [
        {
          ...error('HEAD'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: withImport,
              output: `'use server';\nimport { retry } from './retry.js';\nexport const head = () => retry(() => axios.head(url));`,
            },
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
            {
              messageId: 'wrapInRetry',
              data: wrap(),
              output: `const retry = makeRetry();\nawait retry(() => fetch(url, { method: 'post', body, headers: { 'Idempotency-Key': key } }));`,
            },
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
            {
              messageId: 'wrapInRetry',
              data: wrap(),
              output: `const retry = makeRetry();\nawait retry(() => axios.patch(url, body, { headers: new Headers({ 'idempotency-key': key }) }));`,
            },
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
            {
              messageId: 'wrapInRetry',
              data: wrap(),
              output: `const retry = makeRetry();\nconst api = axios.create(); axiosRetry(other); retry(() => api.put('/a', body));`,
            },
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
          suggestions: [{ messageId: 'wrapInRetry', data: wrap(), output: `const retry = makeRetry();\nsetTimeout(() => retry(() => fetch(url)), 10);` }],
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
            { messageId: 'wrapInRetry', data: wrap(), output: `const { retry } = require('./retry');\nmodule.exports = () => retry(() => fetch(url));` },
          ],
        },
      ],
    },
    {
      code: `export function Users() { const data = use(fetch('/api/users') as Promise<Response>); return <ul>{String(data)}</ul>; }`,
      filename: 'file.tsx',
      options: importLocal,
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

    // --- issue 10: the message says the method, not "idempotent" (a GET may well send an SMS)
    {
      name: 'a GET that sends something is called a GET, not idempotent',
      code: `export async function sendSms(to, text) {
  await fetch(\`https://sms.example.com/send?to=\${to}&text=\${encodeURIComponent(text)}\`, { signal: AbortSignal.timeout(5000) });
}`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(noPattern),
              output: `export async function sendSms(to, text) {
  await retry(() => fetch(\`https://sms.example.com/send?to=\${to}&text=\${encodeURIComponent(text)}\`, { signal: AbortSignal.timeout(5000) }));
}`,
            },
          ],
        },
      ],
    },
    // a loop that is not a retry (walks a list, no delay, no attempt counter) retries nothing
    {
      code: `for (const id of ids) { const res = await fetch(\`https://api.example.com/items/\${id}\`); out.push(await res.json()); }`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(noPattern),
              output: `for (const id of ids) { const res = await retry(() => fetch(\`https://api.example.com/items/\${id}\`)); out.push(await res.json()); }`,
            },
          ],
        },
      ],
    },
    // a relative URL outside browser code is still reported (a server-side base URL helper, a test double)
    {
      code: `import { db } from './db.js';\nexport const load = () => axios.get('/internal/health');`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(noPattern),
              output: `import { db } from './db.js';\nexport const load = () => retry(() => axios.get('/internal/health'));`,
            },
          ],
        },
      ],
    },
    // --- issue 11: an awaited argument needs an async arrow (else TS1308, and a syntax error in JS)
    {
      name: 'await in the arguments: the arrow is async',
      code: `export async function load() {\n  const res = await fetch(await getUrl(), { signal: AbortSignal.timeout(5000) });\n  return res.json();\n}`,
      options: importLocal,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from './retry.js'", 'retry', true),
              output: `import { retry } from './retry.js';\nexport async function load() {\n  const res = await retry(async () => fetch(await getUrl(), { signal: AbortSignal.timeout(5000) }));\n  return res.json();\n}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an await inside a nested function of the arguments does not make the arrow async',
      code: `await fetch(url, { headers: { get auth() { return 'x'; } }, body: await Promise.resolve(undefined), method: 'PUT' });`,
      errors: [
        {
          ...error('PUT'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(noPattern, 'retry', true),
              output: `await retry(async () => fetch(url, { headers: { get auth() { return 'x'; } }, body: await Promise.resolve(undefined), method: 'PUT' }));`,
            },
          ],
        },
      ],
    },
    {
      name: 'a yield in the arguments cannot move into an arrow: no suggestion',
      code: `function* saga() { const res = yield fetch(yield select(urlOf)); return res; }`,
      errors: [{ ...error('GET'), suggestions: [] }],
    },
    // --- issue 11: names already taken are neither shadowed nor collided with
    {
      name: 'a parameter named retry: the import gets a free name',
      code: `export async function load(url, retry = 3) {\n  return fetch(url);\n}`,
      options: importLocal,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from './retry.js'", 'bulwarkRetry'),
              output: `import { retry as bulwarkRetry } from './retry.js';\nexport async function load(url, retry = 3) {\n  return bulwarkRetry(() => fetch(url));\n}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a module-level counter named retry: the import gets a free name',
      code: `import { log } from './log.js';\nlet retry = 0;\nexport const ping = () => fetch('https://example.com/ping', { method: 'HEAD' });`,
      options: importLocal,
      errors: [
        {
          ...error('HEAD'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from './retry.js'", 'bulwarkRetry'),
              output: `import { log } from './log.js';\nimport { retry as bulwarkRetry } from './retry.js';\nlet retry = 0;\nexport const ping = () => bulwarkRetry(() => fetch('https://example.com/ping', { method: 'HEAD' }));`,
            },
          ],
        },
      ],
    },
    {
      name: 'retry and bulwarkRetry both taken',
      code: `const bulwarkRetry = 1;\nmodule.exports = function load(retry) { return fetch(url); };`,
      filename: 'file.cjs',
      options: importLocal,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from './retry.js'", 'bulwarkRetry2'),
              output: `const { retry: bulwarkRetry2 } = require('./retry.js');\nconst bulwarkRetry = 1;\nmodule.exports = function load(retry) { return bulwarkRetry2(() => fetch(url)); };`,
            },
          ],
        },
      ],
    },
    {
      name: 'a default import from p-retry named retry is a retry function: reused, nothing imported',
      code: `import retry from 'p-retry';\nexport const load = () => fetch(url);`,
      options: importLocal,
      errors: [
        {
          ...error('GET'),
          suggestions: [{ messageId: 'wrapInRetry', data: wrap(), output: `import retry from 'p-retry';\nexport const load = () => retry(() => fetch(url));` }],
        },
      ],
    },
    {
      name: 'the pattern already imported under another name: reused',
      code: `import { retry as withBackoff } from '../patterns/retry.js';\nexport const load = () => fetch(url);`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap('', 'withBackoff'),
              output: `import { retry as withBackoff } from '../patterns/retry.js';\nexport const load = () => withBackoff(() => fetch(url));`,
            },
          ],
        },
      ],
    },
    // --- issue 11: the import lands where the file keeps its imports, in the file's style
    {
      name: 'CRLF, no semicolons, a comment after the last import',
      code: `import a from "a" // the a client\r\nexport const load = () => fetch(url)\r\n`,
      options: importLocal,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: withImport,
              output: `import a from "a" // the a client\r\nimport { retry } from "./retry.js"\r\nexport const load = () => retry(() => fetch(url))\r\n`,
            },
          ],
        },
      ],
    },
    {
      name: 'after triple-slash references and @ts-check, before the doc comment of the first statement',
      code: `/// <reference types="node" />\n// @ts-check\n/** Loads the thing. */\nexport const load = () => fetch(url);`,
      options: importLocal,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: withImport,
              output: `/// <reference types="node" />\n// @ts-check\nimport { retry } from './retry.js';\n/** Loads the thing. */\nexport const load = () => retry(() => fetch(url));`,
            },
          ],
        },
      ],
    },
    // --- issue 11: with no importSource, the project's copy of the pattern is found and imported
    {
      name: 'pattern found through package.json and its provenance line: relative import',
      code: `export const load = () => fetch(url);`,
      filename: join(plain, 'src/api/users.ts'),
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from '../patterns/retry'"),
              output: `import { retry } from '../patterns/retry';\nexport const load = () => retry(() => fetch(url));`,
            },
          ],
        },
      ],
    },
    {
      name: 'bulwark.json patternsDir, pattern found by its header: a relative import whatever the importStyle alias',
      code: `import { db } from './db.js';\nexport const load = () => fetch(url);`,
      filename: join(aliased, 'src/routes/users.ts'),
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from '../../lib/bulwark/retry.js'"),
              output: `import { db } from './db.js';\nimport { retry } from '../../lib/bulwark/retry.js';\nexport const load = () => retry(() => fetch(url));`,
            },
          ],
        },
      ],
    },
    {
      name: 'an ESM package with no relative import to learn from: .js extension',
      code: `export const load = () => fetch(url);`,
      filename: join(esm, 'src/users.ts'),
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from './patterns/retry.js'"),
              output: `import { retry } from './patterns/retry.js';\nexport const load = () => retry(() => fetch(url));`,
            },
          ],
        },
      ],
    },
    {
      name: 'a retry.ts without our provenance is not our pattern: only the wrap',
      code: `export const load = () => fetch(url);`,
      filename: join(notOurs, 'src/users.ts'),
      errors: [
        { ...error('GET'), suggestions: [{ messageId: 'wrapInRetry', data: wrap(noPattern), output: `export const load = () => retry(() => fetch(url));` }] },
      ],
    },

    {
      name: 'a PUT of a stream: a retry would resend a consumed body, so no wrap is offered',
      code: `await fetch(url, { method: 'PUT', body: createReadStream(path), duplex: 'half', signal });`,
      errors: [{ ...error('PUT'), suggestions: [] }],
    },

    {
      name: 'a caught failure that is handled, not dropped, is still reported',
      code: `try { const res = await fetch(url); return await res.json(); } catch (error) { throw new AppError('upstream', { cause: error }); }`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(noPattern),
              output: `try { const res = await retry(() => fetch(url)); return await res.json(); } catch (error) { throw new AppError('upstream', { cause: error }); }`,
            },
          ],
        },
      ],
    },

    {
      name: "no imports: the file's quotes and semicolons",
      code: `const base = "https://api.example.com"\nexport const load = () => fetch(base + "/users")\n`,
      options: importLocal,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: withImport,
              output: `import { retry } from "./retry.js"\nconst base = "https://api.example.com"\nexport const load = () => retry(() => fetch(base + "/users"))\n`,
            },
          ],
        },
      ],
    },

    {
      name: 'isomorphic code (typeof window) is not browser code',
      code: `export const load = () => typeof window === 'undefined' ? fetch('https://api.example.com/a') : cached;`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(noPattern),
              output: `export const load = () => typeof window === 'undefined' ? retry(() => fetch('https://api.example.com/a')) : cached;`,
            },
          ],
        },
      ],
    },
    {
      name: 'reading window is not enough to silence every request of the file',
      code: `export const width = () => window.innerWidth;\nexport const load = () => fetch('https://api.example.com/a');`,
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(noPattern),
              output: `export const width = () => window.innerWidth;\nexport const load = () => retry(() => fetch('https://api.example.com/a'));`,
            },
          ],
        },
      ],
    },

    {
      name: 'an .mts file imports with .js whatever the package says',
      code: `export const load = () => fetch(url);`,
      filename: join(plain, 'src/api/users.mts'),
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from '../patterns/retry.js'"),
              output: `import { retry } from '../patterns/retry.js';\nexport const load = () => retry(() => fetch(url));`,
            },
          ],
        },
      ],
    },
    {
      name: 'relative imports without extensions in an ESM package: none added',
      code: `import { db } from '../db';\nexport const load = () => fetch(url);`,
      filename: join(esm, 'src/api/users.ts'),
      errors: [
        {
          ...error('GET'),
          suggestions: [
            {
              messageId: 'wrapInRetry',
              data: wrap(" and import it from '../patterns/retry'"),
              output: `import { db } from '../db';\nimport { retry } from '../patterns/retry';\nexport const load = () => retry(() => fetch(url));`,
            },
          ],
        },
      ],
    },
  ],
});

describe('require-retry message', () => {
  it('names the method and does not call the request idempotent (the docs explain the assumption)', () => {
    assert.match(rule.meta.messages.missingRetry, /^\{\{method\}\} request without a retry:/);
    assert.doesNotMatch(rule.meta.messages.missingRetry, /idempotent/i);
  });
});
