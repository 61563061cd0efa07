// Every operation on a disposed scope or container rejects with DISPOSED, including through a
// resolver a factory kept: otherwise it creates instances that nothing will ever dispose.
import assert from 'node:assert/strict';
import { Container, ContainerError, token, type Resolver } from '../src/container.js';
import { gate } from './fixtures/background-helpers.js';

async function rejectsDisposed(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ContainerError, `expected a ContainerError, got ${String(error)}`);
    assert.equal(error.code, 'DISPOSED');
    assert.match(error.message, message);
    return true;
  });
}

describe('container: disposed scopes and containers', () => {
  const Conn = token<{ n: number; closed: boolean }>('conn');
  const Handler = token<{ resolver: Resolver }>('handler');
  const Clock = token<{ now: () => number }>('clock');

  function setup() {
    const created: Array<{ n: number; closed: boolean }> = [];
    const container = new Container()
      .singleton(Clock, () => ({ now: () => 0 }))
      .scoped(
        Conn,
        () => {
          const conn = { n: created.length + 1, closed: false };
          created.push(conn);
          return conn;
        },
        { dispose: (conn) => void (conn.closed = true) },
      )
      .scoped(Handler, (resolver) => ({ resolver }));
    return { container, created };
  }

  it('a resolver kept by a scoped factory cannot create scoped instances after scope.dispose()', async () => {
    const { container, created } = setup();
    const scope = container.createScope();
    const { resolver } = await scope.resolve(Handler);
    await scope.dispose();
    await rejectsDisposed(resolver.resolve(Conn), /cannot resolve "conn" \(needed by handler\): the scope was disposed/);
    await rejectsDisposed(resolver.resolve(Clock), /the scope was disposed/);
    assert.deepEqual(created, [], 'a scoped instance was created after its scope was disposed (and will never be disposed)');
  });

  it('a kept resolver cannot create instances while its scope is being disposed', async () => {
    const { container, created } = setup();
    const scope = container.createScope();
    const { resolver } = await scope.resolve(Handler);
    const Late = token<string>('late');
    let lateDisposed = false;
    container.scoped(Late, () => 'late', {
      dispose: async () => {
        await rejectsDisposed(resolver.resolve(Conn), /the scope was disposed/);
        lateDisposed = true;
      },
    });
    await scope.resolve(Late);
    await scope.dispose();
    assert.equal(lateDisposed, true);
    assert.deepEqual(created, []);
  });

  it('a creation in flight when its scope is disposed cannot add dependencies that escape disposal', async () => {
    const { container, created } = setup();
    const Slow = token<{ conn: { n: number } }>('slow');
    const proceed = gate();
    container.scoped(Slow, async (resolver) => {
      await proceed.opened;
      return { conn: await resolver.resolve(Conn) };
    });
    const scope = container.createScope();
    const resolving = scope.resolve(Slow);
    const disposing = scope.dispose();
    proceed.open();
    await rejectsDisposed(resolving, /cannot resolve "conn" \(needed by slow\): the scope was disposed/);
    await disposing;
    assert.deepEqual(created, []);
  });

  it('a disposed container refuses resolve, createScope, register and override; its scopes refuse resolve', async () => {
    const { container } = setup();
    const scope = container.createScope();
    const { resolver } = await scope.resolve(Handler);
    await container.dispose();
    await rejectsDisposed(container.resolve(Clock), /the container was disposed/);
    await rejectsDisposed(scope.resolve(Conn), /the container was disposed/);
    await rejectsDisposed(resolver.resolve(Conn), /the container was disposed/);
    assert.throws(
      () => container.createScope(),
      (error) => error instanceof ContainerError && error.code === 'DISPOSED',
    );
    assert.throws(
      () => container.singleton(token<number>('new'), () => 1),
      (error) => error instanceof ContainerError && error.code === 'DISPOSED',
    );
    assert.throws(
      () => container.override(Conn, () => ({ n: 0, closed: false })),
      (error) => error instanceof ContainerError && error.code === 'DISPOSED',
    );
    await scope.dispose();
  });
});
