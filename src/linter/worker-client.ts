// The extension host's side of the linter thread: starts dist/linter-worker.js on first use (never
// at activation), matches replies to requests, and starts a fresh thread after a crash. Knows
// nothing of VS Code, so the benchmarks drive it from plain Node.
import { Worker } from 'node:worker_threads';
import type { LinterArgs, LinterMethod, LinterReply, LinterRequest, LinterResult } from './worker-protocol';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class LinterClient {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  /** `workerFile`: the path of dist/linter-worker.js. */
  constructor(private readonly workerFile: string) {}

  get started(): boolean {
    return this.worker !== undefined;
  }

  call<M extends LinterMethod>(method: M, ...args: LinterArgs<M>): Promise<LinterResult<M>> {
    const worker = (this.worker ??= this.start());
    const id = ++this.nextId;
    return new Promise<LinterResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, args } as LinterRequest);
    });
  }

  /** Stops the thread; calls still waiting reject. */
  dispose(): void {
    const worker = this.worker;
    this.failAll(worker, new Error('the Bulwark linter was stopped'));
    void worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.workerFile);
    worker.on('message', (reply: LinterReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error === undefined) waiting.resolve(reply.value);
      else waiting.reject(new Error(`Bulwark linter: ${reply.error}`));
    });
    // A crash (out of memory, a bug in the parser) fails what was waiting; the next call starts afresh.
    worker.on('error', (error) => this.failAll(worker, error));
    worker.on('exit', (code) => this.failAll(worker, new Error(`the Bulwark linter thread exited with code ${code}`)));
    return worker;
  }

  private failAll(worker: Worker | undefined, error: Error): void {
    if (worker === undefined || this.worker !== worker) return;
    this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
