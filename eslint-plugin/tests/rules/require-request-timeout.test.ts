import rule from '../../src/rules/require-request-timeout.js';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

const remedyFetch = 'Pass `signal: AbortSignal.timeout(ms)`.';
const remedyOther = 'Set `timeout` (or pass an abort `signal`).';
const fetchError = { messageId: 'missingTimeout' as const, data: { client: 'fetch', remedy: remedyFetch } };
const axiosError = { messageId: 'missingTimeout' as const, data: { client: 'axios', remedy: remedyOther } };
const gotError = { messageId: 'missingTimeout' as const, data: { client: 'got', remedy: remedyOther } };
const remedyUpload =
  'It uploads a body that may take long to send, so bound the wait for the response and the time without progress (an idle timeout) rather than the whole transfer.';
const remedyStream =
  'Its response is streamed, so bound the wait for the response headers and the time without progress (an idle timeout) rather than the whole transfer.';
const transferError = (client: string, remedy: string) => ({ messageId: 'missingTimeout' as const, data: { client, remedy } });

runRuleTestsWithTypeScriptCheck('require-request-timeout', rule, {
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
    // undici: the dispatcher carries headersTimeout / bodyTimeout
    `import { Agent } from 'undici';
const agent = new Agent({ headersTimeout: 5000, bodyTimeout: 30_000 });
await fetch(url, { dispatcher: agent });`,
    // --- issue 10: a page calling its own backend (browser code, relative or page-origin URL)
    `'use client';
export function SaveButton() {
  const save = async () => { await fetch('/api/settings', { method: 'PUT', body: JSON.stringify({}) }); };
  return save;
}`,
    `import { useEffect } from 'react';
export function useOrders(id) { useEffect(() => { void fetch(\`/api/orders/\${id}\`); }, [id]); }`,
    `export const ping = () => fetch(\`\${window.location.origin}/api/ping\`);`,
    `const target = new URL('/api/upload', window.location.href);
await fetch(target, { method: 'POST', body: form });`,
    `window.addEventListener('load', () => axios.get('/api/session'));`,
    `import React from 'react';
export function DeleteFolder({ id }) {
  const remove = React.useCallback(async () => {
    await fetch(formatAdminURL({ path: \`/folders/\${id}\` }), { credentials: 'include', method: 'DELETE' });
  }, [id]);
  return remove;
}`,
    `import { useMemo } from 'react';
export const usePermissions = (id) => useMemo(() => axios.get(apiUrl(\`/access/\${id}\`), { withCredentials: true }), [id]);`,
    // a client component calling its backend through a URL helper, with the page's cookies
    `'use client';
export async function loadPreferences(key, apiRoute) {
  return fetch(formatAdminURL({ apiRoute, path: \`/payload-preferences/\${key}\` }), { credentials: 'include', headers: { 'Content-Type': 'application/json' } });
}`,
    // the caller bounds the wait
    `const res = await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000))]);`,
    `const data = await Promise.race([fetch(url).then((r) => r.json()), timeout(5000)]);`,
    `const res = await withTimeout(fetch(url), 5000);`,
    `const res = await pTimeout(axios.get(url), { milliseconds: 5000 });`,
    // a Request object carries its own init
    `const request = new Request(url, { signal: AbortSignal.timeout(5000) });
await fetch(request);`,
    `export async function proxy(request: Request) { return fetch(request); }`,
    `export async function handler(req) { return fetch(req); }`,
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
  method: 'PUT',
  signal: AbortSignal.timeout(10000),
});`,
            },
          ],
        },
      ],
    },
    {
      code: `await fetch(url, {});`,
      errors: [
        {
          ...fetchError,
          suggestions: [{ messageId: 'addSignal', data: { ms: '10000' }, output: `await fetch(url, { signal: AbortSignal.timeout(10000) });` }],
        },
      ],
    },
    {
      code: `await fetch(url,);`,
      errors: [
        {
          ...fetchError,
          suggestions: [{ messageId: 'addSignal', data: { ms: '10000' }, output: `await fetch(url, { signal: AbortSignal.timeout(10000) },);` }],
        },
      ],
    },
    {
      code: `await globalThis.fetch(new URL('/health', base));`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `await globalThis.fetch(new URL('/health', base), { signal: AbortSignal.timeout(10000) });`,
            },
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
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `await fetch(new Request(url, { method: 'GET' }), { signal: AbortSignal.timeout(10000) });`,
            },
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
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `import fetch from 'node-fetch'; await fetch(url, { signal: AbortSignal.timeout(10000) });`,
            },
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
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `const res = await fetch(url, { headers, signal: AbortSignal.timeout(10000) } as RequestInit);`,
            },
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
      errors: [
        { ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios.post(url, undefined, { timeout: 10000 });` }] },
      ],
    },
    {
      code: `await axios.put(url, body, { headers });`,
      errors: [
        {
          ...axiosError,
          suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios.put(url, body, { headers, timeout: 10000 });` }],
        },
      ],
    },
    {
      code: `await axios({ url, method: 'delete' });`,
      errors: [
        { ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios({ url, method: 'delete', timeout: 10000 });` }] },
      ],
    },
    {
      code: `await axios('/users');`,
      errors: [{ ...axiosError, suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios('/users', { timeout: 10000 });` }] }],
    },
    {
      code: `import http from 'axios'; await http.head(url);`,
      errors: [
        {
          ...axiosError,
          suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `import http from 'axios'; await http.head(url, { timeout: 10000 });` }],
        },
      ],
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
            {
              messageId: 'addTimeout',
              data: { ms: '10000' },
              output: `const api = axios.create({ baseURL, timeout: 10000 });
await api.get('/a');
await api.delete('/b');`,
            },
          ],
        },
        {
          ...axiosError,
          line: 3,
          suggestions: [
            {
              messageId: 'addTimeout',
              data: { ms: '10000' },
              output: `const api = axios.create({ baseURL, timeout: 10000 });
await api.get('/a');
await api.delete('/b');`,
            },
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
            {
              messageId: 'addTimeout',
              data: { ms: '10000' },
              output: `class Client { load() { return this.http.get('/x'); } http = axios.create({ timeout: 10000 }); }`,
            },
          ],
        },
      ],
    },
    {
      code: `await got(url);`,
      errors: [
        { ...gotError, suggestions: [{ messageId: 'addGotTimeout', data: { ms: '10000' }, output: `await got(url, { timeout: { request: 10000 } });` }] },
      ],
    },
    {
      code: `await got.post(url, { json: body });`,
      errors: [
        {
          ...gotError,
          suggestions: [{ messageId: 'addGotTimeout', data: { ms: '10000' }, output: `await got.post(url, { json: body, timeout: { request: 10000 } });` }],
        },
      ],
    },
    {
      code: `const data = await fetch(\`\${base}/users/\${id}\`).then((r) => r.json());`,
      filename: 'file.tsx',
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `const data = await fetch(\`\${base}/users/\${id}\`, { signal: AbortSignal.timeout(10000) }).then((r) => r.json());`,
            },
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
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `const fetchUsers = () => fetch('/api/users', { signal: AbortSignal.timeout(10000) });\nmodule.exports = { fetchUsers };`,
            },
          ],
        },
      ],
    },

    // a relative URL in server code is still reported (and cannot run on Node: it is a bug either way)
    {
      code: `import { db } from './db.js';\nexport const load = () => fetch('/internal/health');`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `import { db } from './db.js';\nexport const load = () => fetch('/internal/health', { signal: AbortSignal.timeout(10000) });`,
            },
          ],
        },
      ],
    },
    // --- issue 11: a fixed whole-request deadline would abort a legitimate long transfer
    {
      name: 'an upload of a form: no whole-request timeout offered',
      code: `const form = new FormData();\nform.append('file', file);\nawait fetch(uploadUrl, { method: 'POST', body: form });`,
      errors: [{ ...transferError('fetch', remedyUpload), suggestions: [] }],
    },
    {
      code: `await fetch(url, { method: 'PUT', body: fs.createReadStream(path), duplex: 'half' });`,
      errors: [{ ...transferError('fetch', remedyUpload), suggestions: [] }],
    },
    {
      code: `await fetch(upstream, { method: 'POST', body: req.body, headers });`,
      errors: [{ ...transferError('fetch', remedyUpload), suggestions: [] }],
    },
    {
      name: 'a streamed response read from its body',
      code: `const res = await fetch(url);\nfor await (const chunk of res.body) process(chunk);`,
      errors: [{ ...transferError('fetch', remedyStream), suggestions: [] }],
    },
    {
      code: `const reader = (await fetch(url)).body.getReader();`,
      errors: [{ ...transferError('fetch', remedyStream), suggestions: [] }],
    },
    {
      name: 'a streamed completion (stream: true in the body)',
      code: `const res = await fetch('https://api.example.com/v1/chat', { method: 'POST', body: JSON.stringify({ model, messages, stream: true }) });`,
      errors: [{ ...transferError('fetch', remedyStream), suggestions: [] }],
    },
    {
      code: `const events = await fetch(url, { headers: { Accept: 'text/event-stream' } });`,
      errors: [{ ...transferError('fetch', remedyStream), suggestions: [] }],
    },
    {
      name: "axios's Node adapter applies `timeout` to socket inactivity: still offered for a stream",
      code: `const res = await axios.get(url, { responseType: 'stream' });`,
      errors: [
        {
          ...transferError('axios', remedyStream),
          suggestions: [
            { messageId: 'addTimeout', data: { ms: '10000' }, output: `const res = await axios.get(url, { responseType: 'stream', timeout: 10000 });` },
          ],
        },
      ],
    },
    {
      name: 'got uploads get an idle (socket) timeout',
      code: `await got.post(url, { body: createReadStream(path) });`,
      errors: [
        {
          ...transferError('got', remedyUpload),
          suggestions: [
            {
              messageId: 'addGotIdleTimeout',
              data: { ms: '10000' },
              output: `await got.post(url, { body: createReadStream(path), timeout: { socket: 10000 } });`,
            },
          ],
        },
      ],
    },
    // --- issue 11: the new property on its own line, in the file's style
    {
      name: 'CRLF, four-space indentation, trailing comma, a comment at the end of the last line',
      code: `await fetch(url, {\r\n    method: 'DELETE',\r\n    headers, // auth headers\r\n});\r\n`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `await fetch(url, {\r\n    method: 'DELETE',\r\n    headers, // auth headers\r\n    signal: AbortSignal.timeout(10000),\r\n});\r\n`,
            },
          ],
        },
      ],
    },
    {
      name: 'multi-line, no trailing comma, a comment after the last property',
      code: `const res = await fetch(url, {\n  method: 'GET',\n  headers /* from the caller */\n});`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `const res = await fetch(url, {\n  method: 'GET',\n  headers, /* from the caller */\n  signal: AbortSignal.timeout(10000)\n});`,
            },
          ],
        },
      ],
    },
    {
      code: `await axios.get(url, {\n\tparams,\n});`,
      errors: [
        {
          ...axiosError,
          suggestions: [{ messageId: 'addTimeout', data: { ms: '10000' }, output: `await axios.get(url, {\n\tparams,\n\ttimeout: 10000,\n});` }],
        },
      ],
    },
    {
      name: 'an empty init holding a comment keeps it',
      code: `await fetch(url, { /* defaults */ });`,
      errors: [
        {
          ...fetchError,
          suggestions: [{ messageId: 'addSignal', data: { ms: '10000' }, output: `await fetch(url, { signal: AbortSignal.timeout(10000), /* defaults */ });` }],
        },
      ],
    },

    {
      name: 'a Request built in the file without a signal',
      code: `const request = new Request(url, { headers });\nawait fetch(request);`,
      errors: [
        {
          ...fetchError,
          line: 2,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `const request = new Request(url, { headers });\nawait fetch(request, { signal: AbortSignal.timeout(10000) });`,
            },
          ],
        },
      ],
    },
    {
      name: 'Promise.all is no bound',
      code: `await Promise.all([fetch(a, {}), fetch(b, {})]);`,
      errors: [
        {
          ...fetchError,
          column: 20,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `await Promise.all([fetch(a, { signal: AbortSignal.timeout(10000) }), fetch(b, {})]);` },
          ],
        },
        {
          ...fetchError,
          column: 34,
          suggestions: [
            { messageId: 'addSignal', data: { ms: '10000' }, output: `await Promise.all([fetch(a, {}), fetch(b, { signal: AbortSignal.timeout(10000) })]);` },
          ],
        },
      ],
    },

    {
      name: 'browser code calling another origin is still reported',
      code: `'use client';\nexport const loadRepo = () => fetch('https://api.github.com/repos/acme/app');`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `'use client';\nexport const loadRepo = () => fetch('https://api.github.com/repos/acme/app', { signal: AbortSignal.timeout(10000) });`,
            },
          ],
        },
      ],
    },
    {
      name: 'credentials in server code prove nothing',
      code: `export const load = () => fetch(apiUrl('/me'), { credentials: 'include' });`,
      errors: [
        {
          ...fetchError,
          suggestions: [
            {
              messageId: 'addSignal',
              data: { ms: '10000' },
              output: `export const load = () => fetch(apiUrl('/me'), { credentials: 'include', signal: AbortSignal.timeout(10000) });`,
            },
          ],
        },
      ],
    },
  ],
});
