import rule from '../../src/rules/require-interval-cleanup.js';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

runRuleTestsWithTypeScriptCheck('require-interval-cleanup', rule, {
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
    // .unref() returns the timer itself, so the handle is kept (and here cleared)
    `const timer = setInterval(tick, 1000).unref();
export function stop() { clearInterval(timer); }`,
    `let timer; timer = setInterval(tick, 1000); onClose(() => clearInterval(timer));`,
    // in Node the callback's this is the timer: it clears itself
    `setInterval(function () { if (queue.length === 0) clearInterval(this); else drain(); }, 100);`,
    // a kept handle that is handed on may be cleared there
    `const timer = setInterval(tick, 1000); registry.add(timer);`,
    `export const timer = setInterval(tick, 1000);`,
    `const timer = setInterval(tick, 1000); export { timer };`,
    `let timer; export function start() { timer = setInterval(tick, 1000); } export function stop() { if (timer) clearInterval(timer); }`,
    `class Poller { start() { this.timer = setInterval(() => this.poll(), 500); this.timer.unref(); } stop() { clearTimeout(this.timer); } poll() {} }`,
    `class Poller { #timer; start() { this.#timer = setInterval(() => {}, 500); } close() { const timers = [this.#timer]; timers.forEach(clearInterval); } }`,
    `function watch() { const id = setInterval(check, 100); return () => clearInterval(id); }`,
    `useEffect(() => { const id = setInterval(refresh, 5000); return () => clearInterval(id); }, []);`,
    `const state = {}; state.timer = setInterval(tick, 1000); process.on('SIGTERM', () => { const { timer } = state; clearInterval(timer); });`,
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
      code: `const timer: NodeJS.Timeout = setInterval(tick, 1000) as NodeJS.Timeout;\nprocess.once('exit', () => clearInterval(timer!));`,
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

    // --- issue 10: handles kept but never cleared (nor handed on) anywhere
    {
      name: 'a kept handle nothing ever clears (was valid before: kept is not cleared)',
      code: `const timer = setInterval(tick, 1000).unref();`,
      errors: [{ messageId: 'neverCleared', data: { name: 'setInterval', handle: 'timer' } }],
    },
    {
      name: 'const t = setInterval(…); t.unref() is setInterval(…).unref()',
      code: `const sweeper = setInterval(() => cache.prune(), 60_000);\nsweeper.unref();`,
      errors: [{ messageId: 'neverCleared', data: { name: 'setInterval', handle: 'sweeper' }, line: 1 }],
    },
    {
      code: `let timer; timer = setInterval(tick, 1000);`,
      errors: [{ messageId: 'neverCleared', data: { name: 'setInterval', handle: 'timer' } }],
    },
    {
      code: `class Metrics {
        start() { this.flushTimer = setInterval(() => this.flush(), 10_000); this.flushTimer.unref?.(); }
        flush() {}
      }`,
      errors: [{ messageId: 'neverCleared', data: { name: 'setInterval', handle: 'this.flushTimer' }, line: 2 }],
    },
    {
      code: `class Heartbeat { #timer; constructor() { this.#timer = setInterval(() => this.beat(), 1000); } beat() {} }`,
      errors: [{ messageId: 'neverCleared', data: { name: 'setInterval', handle: 'this.#timer' } }],
    },
    {
      code: `useEffect(() => { const id = setInterval(refresh, 5000); }, []);`,
      errors: [{ messageId: 'neverCleared', data: { name: 'setInterval', handle: 'id' } }],
    },
    {
      code: `const timer: NodeJS.Timeout = setInterval(tick, 1000) as NodeJS.Timeout;`,
      filename: 'file.ts',
      errors: [{ messageId: 'neverCleared', data: { name: 'setInterval', handle: 'timer' } }],
    },
  ],
});
