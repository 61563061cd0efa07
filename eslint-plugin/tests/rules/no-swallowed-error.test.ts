import rule from '../../src/rules/no-swallowed-error.js';
import { runRuleTestsCompiled } from '../suggestion-syntax.js';

const catchBlock = { messageId: 'swallowedError' as const, data: { handler: '`catch` block' } };
const catchHandler = { messageId: 'swallowedError' as const, data: { handler: '`.catch()` handler' } };

runRuleTestsCompiled('no-swallowed-error', rule, {
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
          ...catchBlock,
          line: 4,
          column: 5,
          suggestions: [
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
          ...catchBlock,
          suggestions: [
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
      errors: [{ ...catchBlock, suggestions: [{ messageId: 'rethrow', output: `try { await save(); } catch (err) { throw err; }` }] }],
    },
    {
      name: 'the rethrow goes before a final return',
      code: `function load() {
  try {
    return read();
  } catch {
    return null;
  }
}`,
      errors: [
        {
          ...catchBlock,
          suggestions: [
            {
              messageId: 'rethrow',
              output: `function load() {
  try {
    return read();
  } catch (error) {
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
      name: 'the new binding does not shadow a name the block reads',
      code: `try { run(); } catch { report(error); }`,
      errors: [{ ...catchBlock, suggestions: [{ messageId: 'rethrow', output: `try { run(); } catch (err) { report(error); throw err; }` }] }],
    },
    {
      name: 'a throw inside a nested function does not rethrow',
      code: `try { run(); } catch (e) { queue.push(() => { throw new Error('later'); }); }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [{ messageId: 'rethrow', output: `try { run(); } catch (e) { queue.push(() => { throw new Error('later'); }); throw e; }` }],
        },
      ],
    },
    {
      name: 'a try mixing an ignored call with other work is still reported',
      code: `try { const body = JSON.parse(text); await save(body); } catch { respond(400); }`,
      errors: [
        {
          ...catchBlock,
          suggestions: [{ messageId: 'rethrow', output: `try { const body = JSON.parse(text); await save(body); } catch (error) { respond(400); throw error; }` }],
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
          ...catchHandler,
          suggestions: [
            { messageId: 'rethrow', output: `await Promise.all(messages.map((m) => this.process(m).catch((error) => { throw error; })));` },
          ],
        },
      ],
    },
    {
      name: 'a comment two lines away does not explain the handler',
      code: `// refresh the data
load();
fetchData().catch(() => null);`,
      errors: [{ ...catchHandler, line: 3, suggestions: [{ messageId: 'rethrow', output: `// refresh the data
load();
fetchData().catch((error) => { throw error; });` }] }],
    },
    {
      code: `fetchData().catch(() => {});`,
      errors: [{ ...catchHandler, suggestions: [{ messageId: 'rethrow', output: `fetchData().catch((error) => { throw error; });` }] }],
    },
    {
      code: `fetchData().catch(function (e) { return null; });`,
      errors: [{ ...catchHandler, suggestions: [{ messageId: 'rethrow', output: `fetchData().catch(function (e) { throw e; return null; });` }] }],
    },
    {
      code: `fetchData().catch(async (): Promise<void> => { await cleanup(); });`,
      errors: [
        { ...catchHandler, suggestions: [{ messageId: 'rethrow', output: `fetchData().catch(async (error): Promise<void> => { await cleanup(); throw error; });` }] },
      ],
    },
    {
      code: `export function Page() { useEffect(() => { load().catch(() => setState(null)); }, []); return <div />; }`,
      filename: 'file.tsx',
      errors: [
        {
          ...catchHandler,
          suggestions: [{ messageId: 'rethrow', output: `export function Page() { useEffect(() => { load().catch((error) => { throw error; }); }, []); return <div />; }` }],
        },
      ],
    },
  ],
});
