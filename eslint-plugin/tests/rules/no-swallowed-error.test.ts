import rule from '../../src/rules/no-swallowed-error.js';
import assert from 'node:assert/strict';
import { runRuleTestsWithTypeScriptCheck, typeScriptGrammarErrors } from '../typescript-grammar.js';

const catchBlock = { messageId: 'swallowedError' as const, data: { handler: '`catch` block' } };
const catchHandler = { messageId: 'swallowedError' as const, data: { handler: '`.catch()` handler' } };
const loggedCatch = { messageId: 'loggedWithoutError' as const, data: { handler: '`catch` block' } };
const loggedHandler = { messageId: 'loggedWithoutError' as const, data: { handler: '`.catch()` handler' } };

runRuleTestsWithTypeScriptCheck('no-swallowed-error', rule, {
  valid: [
    // the runtime's shape: the error is logged with its cause, or rethrown
    `try { await task(); } catch (error) { logger.error({ err: error }, 'background task failed'); }`,
    `try { await task(); } catch (error) { throw new AppError('TASK_FAILED', { cause: error }); }`,
    `try { await task(); } catch { throw new Error('task failed'); }`,
    `try { await task(); } catch (error) { if (!isRetryable(error)) throw error; }`,
    `try { await task(); } catch { /* the process is exiting; nothing is left to notify */ }`,
    `try { await task(); } catch {
  // best effort: the cache is optional
}`,
    // expected failures of parsing calls become a fallback
    `let config; try { config = JSON.parse(text); } catch { config = {}; }`,
    `function parse(input) { try { return new URL(input); } catch { return undefined; } }`,
    `try { const id = BigInt(raw); } catch { id = null; }`,
    `try { const parsed = JSON.parse(raw) as Config; } catch { parsed = undefined; }`,
    { code: `try { yaml.load(text); } catch { fallback(); }`, options: [{ ignoreCalls: ['yaml.load'] }] },
    `promise.catch((error) => logger.warn({ err: error }, 'refresh failed'));`,
    `function logPath(target) { try { return new URL(target).pathname; } catch { return target; } }`,
    `operation.catch(() => undefined); // a late failure after the timeout has nobody left to report to`,
    `// closing errors do not matter once the consumer stopped reading
const close = () => void it.return?.()?.catch(() => undefined);`,
    `await readManifest(uri).catch(/* a missing manifest means defaults */ () => undefined);`,
    `promise.catch(reportError);`,
    `promise.catch(() => { /* cancelled on purpose */ });`,
    `promise.catch((error) => { throw new Wrapped(error); });`,
    // a different API named catch
    `schema.catch('default');`,
    `promise.then(onValue).catch((error, extra) => ignore());`,
    // fallbacks are not swallowed errors (issue 10): the catch supplies the outcome the code goes on with
    `function exists(path) { try { fs.statSync(path); return true; } catch { return false; } }`,
    `async function exists(path) { try { await access(path); return true; } catch { return false; } }`,
    `async function lookup(id) { try { return await cache.get(id); } catch { return fetchFromOrigin(id); } }`,
    `function load() {
  try {
    return read();
  } catch {
    return null;
  }
}`,
    `export async function POST(request) {
  let body;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: 'Invalid JSON body' }, { status: 400 });
  }
  return Response.json(await save(body));
}`,
    `app.get('/users/:id', async (req, res) => { try { res.json(await users.find(BigInt(req.params.id))); } catch { res.status(400).json({ error: 'Invalid id' }); } });`,
    `async function call(url) {
  const res = await fetch(url);
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    throw new Error(\`upstream answered \${res.status}: \${body}\`);
  }
  return res.json();
}`,
    `async function withRetries(op, backoff) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await op();
    } catch {
      await backoff.wait(attempt);
    }
  }
}`,
    `let supported; try { checked('return true'); supported = true; } catch { supported = false; }`,
    `for (const file of files) { try { results.push(parseManifest(file)); } catch { continue; } }`,
    `function* authenticate(request) { const verified = yield* verify(request).pipe(Effect.catch(() => Effect.succeed(false))); return verified; }`,
    `const entries = await Promise.all(paths.map((path) => stat(path).catch(() => null)));`,
    // best-effort cleanup of something the code is done with (effect, fastify, undici)
    `const cancel = () => { reader.cancel().catch(() => {}); };`,
    `writer.close().catch(() => {});`,
    `function cleanup() { try { fs.unlinkSync(file); } catch {} }`,
    `try { eventSource.close(); controller.close(); } catch (_unused) {}`,
    // the handler only marks the promise handled; whoever awaits it still sees the failure (trpc, temporal)
    `function start() { const promise = run(); promise.catch(() => {}); return promise; }`,
    `async function startChild(input, next) {
  const [started, completed] = await next(input);
  started.finally(notify).catch(() => {});
  return [started, completed];
}`,
    // an expected failure with a fallback operand
    `try { key = decodeURIComponent(key) || key; } catch {}`,
    `function stringify(v) { try { return JSON.stringify(v); } catch (e) { return; } }`,
    // failures passed on as failures
    `try { body = parse(raw); } catch { next(new BadRequestError('malformed body')); }`,
    `try { done(null, secureJsonParse(body)); } catch { done(new FST_ERR_CTP_INVALID_JSON_BODY(), undefined); }`,
    `try { records = await dns.promises.resolve(address, 'SRV'); } catch { this.failure(); }`,
    `new Promise((resolve, reject) => { try { resolve(parse(raw)); } catch { reject(new Error('malformed body')); } });`,
    // tests that expect the throw, or fail on it (fastify's suites)
    `test('rejects a duplicate decorator', (t) => {
  try {
    fastify.decorate('foo', fooObj);
    t.assert.fail();
  } catch (e) {
    t.assert.ok(true);
  }
});`,
    `test('registers', async (t) => { try { await fastify.ready(); t.assert.ok(true); } catch (e) { t.assert.fail(); } });`,
    // the comment the docs promise, wherever it sits next to the handler (issue 10)
    `// a missing manifest means defaults
const manifest = await readManifest(uri).catch(() => {});`,
    `const manifest = await readManifest(uri).catch(() => {}); // a missing manifest means defaults`,
    `// best effort: the temporary directory may already be gone
try { await rm(dir, { recursive: true }); } catch {}`,
    `try {
  headers.setContentLength(await getLength(data));
  /* the length is optional: the body is sent chunked without it */
} catch (e) {}`,
    `try { await unlink(lockFile); } catch {} // another process may have removed it`,
    `// a failed write errors the readable, so the reads report it
if (bytes.length > 0) writer.write(bytes).catch(() => {});`,
  ],
  invalid: [
    {
      name: 'catalogue defect: the run loop logs a fixed message and drops the error',
      code: `while (!this.terminate) {
  try {
    await this.run();
  } catch {
    logger.error('Background task error');
    await sleep(1000);
  }
}`,
      errors: [
        {
          ...loggedCatch,
          line: 4,
          column: 5,
          suggestions: [
            {
              messageId: 'passErrorToLog',
              data: { call: 'logger.error' },
              output: `while (!this.terminate) {
  try {
    await this.run();
  } catch (error) {
    logger.error({ err: error }, 'Background task error');
    await sleep(1000);
  }
}`,
            },
            {
              messageId: 'rethrow',
              output: `while (!this.terminate) {
  try {
    await this.run();
  } catch (error) {
    logger.error('Background task error');
    await sleep(1000);
    throw error;
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'catalogue defect: stop() assumes every failure is a timeout',
      code: `try { await withTimeout(this.task, timeoutMs); } catch (e) { logger.warn('did not finish in time'); this.controller.abort(); }`,
      errors: [
        {
          ...loggedCatch,
          suggestions: [
            {
              messageId: 'passErrorToLog',
              data: { call: 'logger.warn' },
              output: `try { await withTimeout(this.task, timeoutMs); } catch (e) { logger.warn({ err: e }, 'did not finish in time'); this.controller.abort(); }`,
            },
            {
              messageId: 'rethrow',
              output: `try { await withTimeout(this.task, timeoutMs); } catch (e) { logger.warn('did not finish in time'); this.controller.abort(); throw e; }`,
            },
          ],
        },
      ],
    },
    {
      code: `try { await save(); } catch (err) {}`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            { messageId: 'logError', data: { logger: 'console' }, output: `try { await save(); } catch (err) { console.error(err); }` },
            { messageId: 'rethrow', output: `try { await save(); } catch (err) { throw err; }` },
          ],
        },
      ],
    },
    {
      name: 'a fallback value does not excuse a log without the error',
      code: `function load() {
  try {
    return read();
  } catch {
    console.warn('read failed');
    return null;
  }
}`,
      errors: [
        {
          ...loggedCatch,
          suggestions: [
            {
              messageId: 'passErrorToLog',
              data: { call: 'console.warn' },
              output: `function load() {
  try {
    return read();
  } catch (error) {
    console.warn('read failed', error);
    return null;
  }
}`,
            },
            {
              messageId: 'rethrow',
              output: `function load() {
  try {
    return read();
  } catch (error) {
    console.warn('read failed');
    throw error;
    return null;
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an empty value standing in for asynchronous work hides an outage',
      code: `async function loadUsers() {
  try {
    const response = await fetch(usersUrl);
    return await response.json();
  } catch {
    return [];
  }
}`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `async function loadUsers() {
  try {
    const response = await fetch(usersUrl);
    return await response.json();
  } catch (error) {
    console.error(error);
    return [];
  }
}`,
            },
            {
              messageId: 'rethrow',
              output: `async function loadUsers() {
  try {
    const response = await fetch(usersUrl);
    return await response.json();
  } catch (error) {
    throw error;
    return [];
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'the new binding does not shadow a name the block reads',
      code: `try { run(); } catch { report(error); }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            { messageId: 'logError', data: { logger: 'console' }, output: `try { run(); } catch (err) { console.error(err); report(error); }` },
            { messageId: 'rethrow', output: `try { run(); } catch (err) { report(error); throw err; }` },
          ],
        },
      ],
    },
    {
      name: 'a throw inside a nested function does not rethrow',
      code: `try { run(); } catch (e) { queue.push(() => { throw new Error('later'); }); }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `try { run(); } catch (e) { console.error(e); queue.push(() => { throw new Error('later'); }); }`,
            },
            { messageId: 'rethrow', output: `try { run(); } catch (e) { queue.push(() => { throw new Error('later'); }); throw e; }` },
          ],
        },
      ],
    },
    {
      name: 'a try mixing an ignored call with other work is still reported',
      code: `try { const body = JSON.parse(text); await save(body); } catch { respond(400); }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `try { const body = JSON.parse(text); await save(body); } catch (error) { console.error(error); respond(400); }`,
            },
            { messageId: 'rethrow', output: `try { const body = JSON.parse(text); await save(body); } catch (error) { respond(400); throw error; }` },
          ],
        },
      ],
    },
    {
      name: 'a destructured error cannot be rethrown: no suggestion',
      code: `try { run(); } catch ({ message }) { done(); }`,
      errors: [{ ...catchBlock, suggestions: [] }],
    },
    {
      name: 'catalogue defect: gather(return_exceptions=True) failures logged without the error',
      code: `await Promise.all(messages.map((m) => this.process(m).catch(() => logger.error('Failed to process message'))));`,
      errors: [
        {
          ...loggedHandler,
          suggestions: [
            {
              messageId: 'passErrorToLog',
              data: { call: 'logger.error' },
              output: `await Promise.all(messages.map((m) => this.process(m).catch((error) => logger.error({ err: error }, 'Failed to process message'))));`,
            },
          ],
        },
      ],
    },
    {
      name: 'a comment two lines away does not explain the handler',
      code: `// refresh the data
load();
fetchData().catch(() => null);`,
      errors: [
        {
          ...catchHandler,
          line: 3,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `// refresh the data
load();
fetchData().catch((error) => { console.error(error); return null; });`,
            },
          ],
        },
      ],
    },
    {
      name: 'fire-and-forget: a rethrow would be an unhandled rejection, so the error is logged instead (issue 11)',
      code: `fetchData().catch(() => {});`,
      errors: [
        {
          ...catchHandler,
          suggestions: [{ messageId: 'logError', data: { logger: 'console' }, output: `fetchData().catch((error) => { console.error(error); });` }],
        },
      ],
    },
    {
      code: `fetchData().catch(function (e) { return null; });`,
      errors: [
        {
          ...catchHandler,
          suggestions: [{ messageId: 'logError', data: { logger: 'console' }, output: `fetchData().catch(function (e) { console.error(e); return null; });` }],
        },
      ],
    },
    {
      code: `fetchData().catch(async (): Promise<void> => { await cleanup(); });`,
      errors: [
        {
          ...catchHandler,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `fetchData().catch(async (error): Promise<void> => { console.error(error); await cleanup(); });`,
            },
          ],
        },
      ],
    },
    {
      code: `export function Page() { useEffect(() => { load().catch(() => setState(null)); }, []); return <div />; }`,
      filename: 'file.tsx',
      errors: [
        {
          ...catchHandler,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `export function Page() { useEffect(() => { load().catch((error) => { console.error(error); return setState(null); }); }, []); return <div />; }`,
            },
          ],
        },
      ],
    },
    // suggestions that splice text (issue 11)
    {
      name: 'a parenthesised object body keeps its value and its parentheses stay balanced',
      code: `void refresh().catch(() => ({}));`,
      errors: [
        {
          ...catchHandler,
          suggestions: [
            { messageId: 'logError', data: { logger: 'console' }, output: `void refresh().catch((error) => { console.error(error); return ({}); });` },
          ],
        },
      ],
    },
    {
      name: 'a timer callback: no rethrow',
      code: `setTimeout(() => flush().catch(() => undefined), 1000);`,
      errors: [
        {
          ...catchHandler,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `setTimeout(() => flush().catch((error) => { console.error(error); return undefined; }), 1000);`,
            },
          ],
        },
      ],
    },
    {
      name: 'a one-line catch without a semicolon: the rethrow is a statement of its own',
      code: `try { a() } catch { h() }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            { messageId: 'logError', data: { logger: 'console' }, output: `try { a() } catch (error) { console.error(error); h() }` },
            { messageId: 'rethrow', output: `try { a() } catch (error) { h(); throw error; }` },
          ],
        },
      ],
    },
    {
      name: 'inside finally a rethrow would hide the real error or discard a successful return: log only',
      code: `async function use(conn) {
  try {
    return await conn.query('select 1');
  } finally {
    try { await metrics.flush(); } catch {}
  }
}`,
      errors: [
        {
          ...catchBlock,
          line: 5,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `async function use(conn) {
  try {
    return await conn.query('select 1');
  } finally {
    try { await metrics.flush(); } catch (error) { console.error(error); }
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an interval callback: a rethrow would be an uncaught exception',
      code: `setInterval(() => { try { tick(); } catch {} }, 1000);`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `setInterval(() => { try { tick(); } catch (error) { console.error(error); } }, 1000);`,
            },
          ],
        },
      ],
    },
    {
      name: "the file's logger is used when one is in scope",
      code: `import { logger } from './logger.js';
export async function sync() { try { await pull(); } catch {} }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'logger' },
              output: `import { logger } from './logger.js';
export async function sync() { try { await pull(); } catch (error) { logger.error(error); } }`,
            },
            {
              messageId: 'rethrow',
              output: `import { logger } from './logger.js';
export async function sync() { try { await pull(); } catch (error) { throw error; } }`,
            },
          ],
        },
      ],
    },
    {
      name: 'a 5xx answer is no fallback: the unexpected failure and its cause are gone',
      code: `export async function GET() { try { return Response.json(await load()); } catch { return Response.json({ error: 'Internal error' }, { status: 500 }); } }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `export async function GET() { try { return Response.json(await load()); } catch (error) { console.error(error); return Response.json({ error: 'Internal error' }, { status: 500 }); } }`,
            },
            {
              messageId: 'rethrow',
              output: `export async function GET() { try { return Response.json(await load()); } catch (error) { throw error; return Response.json({ error: 'Internal error' }, { status: 500 }); } }`,
            },
          ],
        },
      ],
    },
    {
      name: 'a route handler: no rethrow (an async Express 4 handler would leave an unhandled rejection)',
      code: `app.get('/orders', async (req, res) => { try { res.json(await orders.list()); } catch { res.status(500).json({ error: 'Internal' }); } });`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output: `app.get('/orders', async (req, res) => { try { res.json(await orders.list()); } catch (error) { console.error(error); res.status(500).json({ error: 'Internal' }); } });`,
            },
          ],
        },
      ],
    },
    {
      name: "a class's logger (NestJS style) is used through this",
      code: `class Jobs {
  constructor(private readonly logger: Logger) {}
  async tick() { try { await this.run(); } catch {} }
}`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'this.logger' },
              output: `class Jobs {
  constructor(private readonly logger: Logger) {}
  async tick() { try { await this.run(); } catch (error) { this.logger.error(error); } }
}`,
            },
            {
              messageId: 'rethrow',
              output: `class Jobs {
  constructor(private readonly logger: Logger) {}
  async tick() { try { await this.run(); } catch (error) { throw error; } }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'CRLF and tabs are kept',
      code: 'async function sync() {\r\n\ttry {\r\n\t\tawait pull();\r\n\t} catch {\r\n\t\tcleanup()\r\n\t}\r\n}',
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'logError',
              data: { logger: 'console' },
              output:
                'async function sync() {\r\n\ttry {\r\n\t\tawait pull();\r\n\t} catch (error) {\r\n\t\tconsole.error(error);\r\n\t\tcleanup()\r\n\t}\r\n}',
            },
            {
              messageId: 'rethrow',
              output: 'async function sync() {\r\n\ttry {\r\n\t\tawait pull();\r\n\t} catch (error) {\r\n\t\tcleanup()\r\n\t\tthrow error;\r\n\t}\r\n}',
            },
          ],
        },
      ],
    },
    {
      name: 'an object first argument gains the error',
      code: `try { await pull(); } catch { log.warn({ job: id }, 'pull failed'); }`,
      errors: [
        {
          ...loggedCatch,
          suggestions: [
            {
              messageId: 'passErrorToLog',
              data: { call: 'log.warn' },
              output: `try { await pull(); } catch (error) { log.warn({ err: error, job: id }, 'pull failed'); }`,
            },
            { messageId: 'rethrow', output: `try { await pull(); } catch (error) { log.warn({ job: id }, 'pull failed'); throw error; }` },
          ],
        },
      ],
    },
  ],
});

describe('no-swallowed-error: the compile check catches the outputs issue 11 reported', () => {
  it('flags the broken rethrows of the old suggestion', () => {
    assert.notDeepEqual(typeScriptGrammarErrors(`p.catch((error) => ({ throw error; }));`, 'file.ts'), []);
    assert.notDeepEqual(typeScriptGrammarErrors(`try { a() } catch (error) { h() throw error; }`, 'file.ts'), []);
    assert.deepEqual(typeScriptGrammarErrors(`try { a() } catch (error) { h(); throw error; }`, 'file.ts'), []);
  });
});
