import rule from '../../src/rules/no-hand-rolled-retry.js';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

runRuleTestsWithTypeScriptCheck('no-hand-rolled-retry', rule, {
  valid: [
    // runtime/src/retry: the loop inside `retry` itself (full jitter computed by backoffDelay)
    `export async function retry(fn, options = {}) {
      const { shouldRetry = isTransientError, random = Math.random, sleep: wait = sleep } = options;
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn({ attempt });
        } catch (error) {
          if (attempt >= attempts || !shouldRetry(error, attempt)) throw error;
          const requested = retryAfter(error);
          const delay = requested === undefined ? backoffDelay(attempt, backoff, random) : capDelay(requested, backoff.maxDelay);
          await wait(delay, signal);
        }
      }
    }`,
    // exponential backoff with full jitter, written out
    `async function call() {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          return await fetch(url);
        } catch (error) {
          await sleep(Math.random() * Math.min(30_000, 100 * 2 ** attempt));
        }
      }
    }`,
    `async function call() {
      let delay = 100;
      while (true) {
        try { return await op(); }
        catch {
          const jitter = Math.random() * delay;
          await new Promise((resolve) => setTimeout(resolve, delay + jitter));
          delay = Math.min(delay * 2, 10_000);
        }
      }
    }`,
    // backoff computed by a local helper that adds jitter
    `function backoff(attempt) { return Math.random() * 100 * 2 ** attempt; }
    async function call() {
      for (let i = 0; i < 3; i++) {
        try { return await op(); } catch { await delay(backoff(i)); }
      }
    }`,
    // a delay this rule cannot see into: not judged
    `import { computeBackoff } from './backoff.js';
    async function call() {
      for (let i = 0; i < 3; i++) {
        try { return await op(); } catch { await sleep(computeBackoff(i)); }
      }
    }`,
    `async function call() {
      for (let i = 0; i < 3; i++) {
        try { return await op(); } catch { await backoff.wait(); }
      }
    }`,
    // the catch always leaves the loop: nothing is retried
    `async function call() {
      while (true) {
        try { return await op(); } catch (error) { log(error); throw error; }
      }
    }`,
    `async function call() {
      for (;;) {
        try { return await op(); }
        catch (error) { if (isFatal(error)) throw error; else return null; }
      }
    }`,
    // trying alternatives, not retrying the same thing
    `async function fetchFromMirrors(mirrors) {
      for (const mirror of mirrors) {
        try { return await fetch(mirror); } catch (error) { log(error); }
      }
    }`,
    // a consumer loop: no success exit in the try
    `async function consume(queue, signal) {
      while (!signal.aborted) {
        try { const message = await queue.receive(); await handle(message); } catch (error) { log(error); }
      }
    }`,
    // the exit belongs to an inner loop or switch
    `async function consume() {
      while (running) {
        try {
          const batch = await receive();
          for (const m of batch) { if (!m) break; }
          switch (batch.kind) { case 'x': break; }
        } catch (error) { log(error); }
      }
    }`,
    // no await: synchronous parsing in a loop
    `function parseAll(lines) {
      let i = 0;
      while (i < lines.length) {
        try { return JSON.parse(lines[i]); } catch { i++; }
      }
    }`,
    // the attempt may complete without leaving: a poll or read loop doing work each iteration
    `async function poll() {
      while (true) {
        try { const job = await getJob(id); if (job.done) return job; } catch (error) { log(error); }
        await sleep(1000);
      }
    }`,
    `async function pump(controller) {
      while (true) {
        let bytes;
        try {
          const { done, value } = await controller.next();
          if (isAborted()) break;
          bytes = done ? undefined : value;
        } catch (error) { bytes = error; }
        if (bytes === undefined) return;
      }
    }`,
    // a counting loop over a collection tries each element once
    `async function firstHit(stores, key) {
      for (let i = 0; i < stores.length; i++) {
        try { return await stores[i].get(key); } catch {}
      }
    }`,
    // the retry is delegated to a library
    `const result = await pRetry(() => fetch(url), { retries: 3 });`,
    `async function poll() { for await (const event of events) { try { return await handle(event); } catch {} } }`,
    {
      code: `async function call() {
        for (let i = 0; i < 3; i++) { try { return await op(); } catch { await sleep(100); } }
      }`,
      options: [{ delayFunctions: ['pause'] }],
    },
    // --- issue 10: a targeted conflict retry (one error class or code, the rest rethrown) needs no delay
    `async function createWithUniqueSlug(base) {
      for (let i = 0; i < 5; i++) {
        try {
          return await db.post.create({ data: { slug: i === 0 ? base : \`\${base}-\${i}\` } });
        } catch (error) {
          if (!(error instanceof UniqueConstraintError)) throw error;
        }
      }
    }`,
    `async function upsert(row) {
      while (true) {
        try { return await prisma.user.create({ data: row }); }
        catch (e) { if (e.code === 'P2002') continue; throw e; }
      }
    }`,
    `async function save(doc) {
      for (let attempt = 0; attempt < 3; attempt++) {
        try { return await repo.update(doc, { expectedVersion: doc.version }); }
        catch (err) { if (isOptimisticLockError(err)) { doc = await repo.reload(doc.id); } else { throw err; } }
      }
    }`,
    `async function claim(id) {
      for (;;) {
        try { return await api.put(\`/locks/\${id}\`); }
        catch (error) { if (error.response?.status !== 409) throw error; }
      }
    }`,
    // --- issue 10: jitter computed into a variable before the sleep
    `async function call() {
      for (let attempt = 0; attempt < 5; attempt++) {
        try { return await op(); } catch (error) {
          const base = Math.min(10_000, 100 * 2 ** attempt);
          const delay = base / 2 + (Math.random() * base) / 2;
          await sleep(delay);
        }
      }
    }`,
    `import { jitter } from './backoff.js';
    async function call() {
      let wait = 200;
      for (;;) {
        try { return await op(); } catch { const ms = jitter(wait); await sleep(ms); wait *= 2; }
      }
    }`,
    `async function call() {
      for (let attempt = 1; attempt <= 4; attempt++) {
        try { return await op(); } catch { await delay(_.random(0, 2 ** attempt * 100)); }
      }
    }`,
    // a delay schedule with jitter
    `async function call() {
      for (const delay of RETRY_DELAYS) {
        try { return await op(); } catch { await sleep(delay * (0.5 + Math.random())); }
      }
    }`,
    // --- issue 10: a delay a method computes from the attempt is not judged
    `async function call(backoff) {
      for (let attempt = 0; attempt < 5; attempt++) {
        try { return await op(); } catch { await backoff.wait(attempt); }
      }
    }`,
    `class Client { async send() { for (let n = 1; ; n++) { try { return await this.post(); } catch { await this.backoff.wait(n); } } } }`,
  ],
  invalid: [
    {
      name: 'catalogue defect: exponential backoff without jitter (thundering herd)',
      code: `async function withRetry(fn, maxAttempts = 3, delay = 1000, backoff = 2) {
        let lastError;
        let currentDelay = delay;
        for (let attempt = 0; attempt < maxAttempts; attempt++) {
          try {
            return await fn();
          } catch (error) {
            lastError = error;
            if (attempt < maxAttempts - 1) {
              logger.warn('Retry attempt failed', { attempt: attempt + 1, delay: currentDelay });
              await sleep(currentDelay);
              currentDelay *= backoff;
            }
          }
        }
        throw lastError;
      }`,
      errors: [{ messageId: 'noJitter', line: 4, column: 9, endLine: 4, endColumn: 12 }],
    },
    {
      name: 'retries every error immediately, without any delay',
      code: `async function call() {
        for (let attempt = 0; attempt < 3; attempt++) {
          try { return await op(); } catch (error) { console.warn(error); }
        }
      }`,
      errors: [{ messageId: 'noDelay', line: 2 }],
    },
    {
      code: `async function call() {
        while (true) {
          try {
            const response = await fetch(url);
            if (!response.ok) throw new Error(String(response.status));
            return response;
          } catch {}
        }
      }`,
      errors: [{ messageId: 'noDelay' }],
    },
    {
      code: `async function call() {
        let result;
        do {
          try { result = await op(); break; } catch {}
        } while (true);
        return result;
      }`,
      errors: [{ messageId: 'noDelay', line: 3 }],
    },
    {
      name: 'a fixed delay between attempts is no backoff',
      code: `async function call() {
        for (let i = 0; i < 5; i++) {
          try { return await op(); } catch { await sleep(1000); }
        }
      }`,
      errors: [{ messageId: 'noBackoff' }],
    },
    {
      code: `import { setTimeout } from 'node:timers/promises';
      async function call() {
        for (let i = 0; i < 5; i++) {
          try { return await op(); } catch { await setTimeout(this.retryDelayMs); }
        }
      }`,
      errors: [{ messageId: 'noBackoff', line: 3 }],
    },
    {
      code: `async function call(options) {
        while (true) {
          try { return await op(); } catch { await new Promise((r) => setTimeout(r, options.delay)); }
        }
      }`,
      errors: [{ messageId: 'noBackoff' }],
    },
    {
      name: 'jitter alone is no backoff',
      code: `async function call() {
        for (let i = 0; i < 5; i++) {
          try { return await op(); } catch { await delay(Math.random() * 1000); }
        }
      }`,
      errors: [{ messageId: 'noBackoff' }],
    },
    {
      name: 'the delay may be awaited before the attempt, inside the try',
      code: `async function call() {
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            if (attempt > 0) await sleep(200 * 2 ** attempt);
            return await op();
          } catch {}
        }
      }`,
      errors: [{ messageId: 'noJitter' }],
    },
    {
      code: `async function call() {
        let wait = 100;
        for (;;) {
          try { return await op(); }
          catch (error) {
            if (!isTransient(error)) throw error;
            await sleep(wait);
            wait = Math.min(wait * 2, 5000);
          }
        }
      }`,
      errors: [{ messageId: 'noJitter' }],
    },
    {
      name: 'growth through a local helper without randomness',
      code: `const backoff = (attempt) => 100 * 2 ** attempt;
      async function call() {
        for (let i = 0; i < 3; i++) {
          try { return await op(); } catch { await sleep(backoff(i)); }
        }
      }`,
      errors: [{ messageId: 'noJitter', line: 3 }],
    },
    {
      code: `async function call() {
        outer: for (let i = 0; i < 3; i++) {
          try { await op(); break outer; } catch { const ms = 100 * (i + 1); await sleep(ms); }
        }
      }`,
      errors: [{ messageId: 'noJitter', line: 2, column: 16 }],
    },
    {
      code: `async function call(): Promise<Response> {
        for (let attempt = 1; attempt <= 3; attempt++) {
          try {
            return await fetch(url, { signal: AbortSignal.timeout(5000) });
          } catch (error: unknown) {
            await sleep(1000 as number);
          }
        }
        throw new Error('unreachable');
      }`,
      filename: 'file.ts',
      errors: [{ messageId: 'noBackoff' }],
    },
    {
      code: `async function call() {
        for (let i = 0; i < 3; i++) { try { return await op(); } catch { await pause(100); } }
      }`,
      options: [{ delayFunctions: ['pause'] }],
      errors: [{ messageId: 'noBackoff' }],
    },

    // recall: a catch that singles out an overload error still hammers it
    {
      code: `async function call() {
        while (true) {
          try { return await fetch(url); }
          catch (error) { if (error.status === 503) continue; throw error; }
        }
      }`,
      errors: [{ messageId: 'noDelay', line: 2 }],
    },
    {
      code: `async function call() {
        for (let i = 0; i < 3; i++) {
          try { return await op(); }
          catch (error) { if (error.code !== 'ECONNRESET') throw error; }
        }
      }`,
      errors: [{ messageId: 'noDelay', line: 2 }],
    },
    {
      name: 'an error tested and handled, but every other error retried too: judged',
      code: `async function createNamespace(connection, maxAttempts = 100) {
        for (let attempt = 1; attempt <= maxAttempts; ++attempt) {
          try {
            await connection.register();
            break;
          } catch (err) {
            if (err.details === 'Namespace already exists.') break;
            if (attempt === maxAttempts) throw err;
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }
      }`,
      errors: [{ messageId: 'noBackoff', line: 2 }],
    },
    {
      name: 'a method delay given a fixed duration is still judged',
      code: `class Worker { async run(fn) { let retry = 0; do { try { return await fn(); } catch (err) { await this.delay(this.delayMs); } } while (++retry < 5); } }`,
      errors: [{ messageId: 'noBackoff' }],
    },

    {
      name: 'a delay schedule grows, so it is judged for jitter, not for backoff',
      code: `async function call() {
        for (const delay of [100, 400, 1600]) {
          try { return await op(); } catch { await sleep(delay); }
        }
      }`,
      errors: [{ messageId: 'noJitter', line: 2 }],
    },
    {
      code: `async function call() {
        for (const delay of [1000, 1000, 1000]) {
          try { return await op(); } catch { await sleep(delay); }
        }
      }`,
      errors: [{ messageId: 'noBackoff', line: 2 }],
    },
  ],
});
