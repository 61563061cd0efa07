import rule from '../../src/rules/require-interval-cleanup.js';
import { runRuleTests } from '../setup.js';

runRuleTests('require-interval-cleanup', rule, {
  valid: [
    // runtime/src/background: a periodic task keeps its timer and clears it in stop()
    `class Reporter {
      #timer;
      start() { this.#timer = setInterval(() => this.flush(), 60_000); }
      stop() { clearInterval(this.#timer); }
      flush() {}
    }`,
    `const timer = setInterval(tick, 1000);
    process.once('SIGTERM', () => clearInterval(timer));`,
    // .unref() returns the timer itself, so the handle is kept
    `const timer = setInterval(tick, 1000).unref();`,
    `let timer; timer = setInterval(tick, 1000);`,
    `timers.push(setInterval(tick, 1000));`,
    `function start() { return setInterval(tick, 1000); }`,
    `const start = () => setInterval(tick, 1000);`,
    `const handle = { timer: setInterval(tick, 1000) };`,
    // timers/promises' setInterval is an async iterator stopped by its signal, not by a handle
    `import { setInterval } from 'node:timers/promises';
    for await (const _ of setInterval(1000, undefined, { signal })) tick();`,
    `import { setInterval } from 'timers/promises';
    setInterval(1000);`,
    // a local function that happens to share the name
    `function setInterval(fn) { fn(); }
    setInterval(tick);`,
    `setTimeout(tick, 1000);`,
    `scheduler.setInterval(tick, 1000);`,
    { code: `setInterval(tick, 1000);`, options: [{ functions: ['setIntervalAsync'] }] },
    {
      code: `const timer: NodeJS.Timeout = setInterval(tick, 1000) as NodeJS.Timeout;`,
      filename: 'file.ts',
    },
  ],
  invalid: [
    {
      name: 'seed shape: a MetricsReporter loop started with nothing that can stop it',
      code: `export function startMetricsReporter(interval = 60_000) {
        setInterval(async () => {
          await collectAndReportMetrics();
        }, interval);
      }`,
      errors: [{ messageId: 'discardedHandle', data: { name: 'setInterval' }, line: 2, column: 9 }],
    },
    {
      name: 'unref lets the process exit but nothing can stop the timer',
      code: `setInterval(() => sweep(), 30_000).unref();`,
      errors: [{ messageId: 'discardedHandle', line: 1, column: 1 }],
    },
    { code: `setInterval(tick, 1000)?.unref();`, errors: [{ messageId: 'discardedHandle' }] },
    { code: `setInterval(tick, 1000).unref().ref();`, errors: [{ messageId: 'discardedHandle' }] },
    { code: `void setInterval(tick, 1000);`, errors: [{ messageId: 'discardedHandle' }] },
    { code: `globalThis.setInterval(tick, 1000);`, errors: [{ messageId: 'discardedHandle' }] },
    { code: `window.setInterval(tick, 1000);`, errors: [{ messageId: 'discardedHandle' }] },
    { code: `(log(), setInterval(tick, 1000));`, errors: [{ messageId: 'discardedHandle' }] },
    { code: `const x = (setInterval(tick, 1000), 1);`, errors: [{ messageId: 'discardedHandle' }] },
    {
      code: `import { setInterval } from 'node:timers';
      setInterval(tick, 1000);`,
      errors: [{ messageId: 'discardedHandle', line: 2 }],
    },
    {
      code: `import timers from 'node:timers';
      timers.setInterval(tick, 1000);`,
      errors: [{ messageId: 'discardedHandle', line: 2 }],
    },
    {
      code: `app.listen(3000, () => {
        setInterval(() => cache.prune(), 10_000);
      });`,
      errors: [{ messageId: 'discardedHandle', line: 2 }],
    },
    {
      code: `import { setIntervalAsync } from 'set-interval-async';
      setIntervalAsync(poll, 5000);`,
      options: [{ functions: ['setInterval', 'setIntervalAsync'] }],
      errors: [{ messageId: 'discardedHandle', data: { name: 'setIntervalAsync' } }],
    },
    {
      code: `(setInterval(tick, 1000) as NodeJS.Timeout).unref();`,
      filename: 'file.ts',
      errors: [{ messageId: 'discardedHandle' }],
    },
    {
      code: `setInterval(tick, 1000)!.unref();`,
      filename: 'file.ts',
      errors: [{ messageId: 'discardedHandle' }],
    },
  ],
});
