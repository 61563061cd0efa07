// dispose() must end: a disposer that awaits dispose() itself, or a factory that never settles, used to
// hang shutdown forever. And override() must not leave live scopes on a replaced scoped provider.
import assert from 'node:assert/strict';
import { Container, ContainerError, token } from '../src/container.js';

/** Matches the first of the AggregateError's causes, where disposal names what did not settle. */
const firstCause = (pattern: RegExp) => (error: unknown) => error instanceof AggregateError && pattern.test(String((error.errors[0] as Error)?.message));

describe('container: bounded disposal and overrides', () => {
  it('a disposer that calls container.dispose() ends after disposeTimeoutMs with an error naming it, and later disposers still run', async () => {
    const A = token<string>('a');
    const B = token<string>('b');
    const disposed: string[] = [];
    const container: Container = new Container({ disposeTimeoutMs: 50 })
      .singleton(A, () => 'a', { dispose: () => void disposed.push('a') })
      .singleton(B, () => 'b', { dispose: () => container.dispose() });
    await container.resolve(A);
    await container.resolve(B);
    const started = Date.now();
    await assert.rejects(container.dispose(), (error: unknown) => {
      assert.ok(error instanceof AggregateError);
      assert.match(String((error.errors[0] as Error).message), /did not settle within 50 ms \(does it call dispose\(\) itself\?\)/);
      return true;
    });
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(disposed, ['a']);
  });

  it('a factory that never settles does not hang dispose(): it is named, the rest is disposed', async () => {
    const Fast = token<string>('fast');
    const Stuck = token<string>('stuck');
    const disposed: string[] = [];
    const container = new Container({ disposeTimeoutMs: 50 })
      .singleton(Fast, () => 'fast', { dispose: (v) => void disposed.push(v) })
      .singleton(Stuck, () => new Promise<string>(() => {}));
    await container.resolve(Fast);
    void container.resolve(Stuck).catch(() => {});
    await assert.rejects(container.dispose(), firstCause(/stopped waiting for creations still running after 50 ms: stuck/));
    assert.deepEqual(disposed, ['fast']);
  });

  it('a creation that lands after disposal gave up waiting is disposed as it lands, not leaked', async () => {
    const Slow = token<{ closed: boolean }>('slow');
    let land!: (value: { closed: boolean }) => void;
    const container = new Container({ disposeTimeoutMs: 20 }).singleton(Slow, () => new Promise((resolve) => (land = resolve)), {
      dispose: (value) => void (value.closed = true),
    });
    const resolving = container.resolve(Slow);
    await assert.rejects(container.dispose(), firstCause(/stopped waiting/));
    const late = { closed: false };
    land(late);
    await resolving;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(late.closed, true);
  });

  it('scopes share disposeTimeoutMs', async () => {
    const Stuck = token<string>('stuck');
    const container = new Container({ disposeTimeoutMs: 20 }).scoped(Stuck, () => 'x', { dispose: () => new Promise<void>(() => {}) });
    const scope = container.createScope();
    await scope.resolve(Stuck);
    await assert.rejects(scope.dispose(), firstCause(/did not settle within 20 ms/));
  });

  it('rejects a disposeTimeoutMs that is not a number in (0, 2^31-1]', () => {
    for (const disposeTimeoutMs of [0, -1, Number.NaN, Infinity, 2 ** 31, '10' as unknown as number]) {
      assert.throws(() => new Container({ disposeTimeoutMs }), /disposeTimeoutMs must be a number in \(0, 2147483647\]/, String(disposeTimeoutMs));
    }
  });

  it('override() of a scoped token already resolved in a scope is refused: live scopes would keep the old provider', async () => {
    const Conn = token<string>('conn');
    const container = new Container().scoped(Conn, () => 'real');
    const scope = container.createScope();
    assert.equal(await scope.resolve(Conn), 'real');
    assert.throws(
      () => container.override(Conn, () => 'fake'),
      (error: unknown) => error instanceof ContainerError && error.code === 'ALREADY_RESOLVED',
    );
    assert.equal(await container.createScope().resolve(Conn), 'real');
  });

  it('override() of a scoped token before any scope resolved it applies to every scope', async () => {
    const Conn = token<string>('conn');
    const container = new Container().scoped(Conn, () => 'real');
    container.override(Conn, () => 'fake');
    assert.equal(await container.createScope().resolve(Conn), 'fake');
  });
});
