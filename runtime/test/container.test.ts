import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { Container, ContainerError, token, type ContainerErrorCode } from '../src/container.js';
import { gate } from './fixtures/background-helpers.js';

/** Asserts a rejection is a ContainerError with `code` whose message matches `message`. */
async function rejectsWith(promise: Promise<unknown>, code: ContainerErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ContainerError, `expected a ContainerError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

describe('container', () => {
  it('resolves typed tokens without casts', async () => {
    const Port = token<number>('port');
    const Greeting = token<string>('greeting');
    const container = new Container().value(Port, 8080).transient(Greeting, async (r) => `listening on ${await r.resolve(Port)}`);
    const port: number = await container.resolve(Port);
    // @ts-expect-error a Token<string> resolves to a string, not a number
    const wrong: number = await container.resolve(Greeting);
    assert.equal(port, 8080);
    assert.equal(wrong, 'listening on 8080');
  });

  describe('singletons', () => {
    it('catalogue defect: a singleton pool is created once for all requests, not once per request', async function () {
      this.timeout(180_000); // PGlite boots a WASM PostgreSQL; slow on a loaded machine
      const Db = token<PGlite>('db');
      let created = 0;
      const container = new Container().singleton(
        Db,
        async () => {
          created += 1;
          const db = new PGlite();
          await db.waitReady;
          return db;
        },
        { dispose: (db) => db.close() },
      );
      // Twenty concurrent "requests", each in its own scope, all asking for the database at once.
      const answers = await Promise.all(
        Array.from({ length: 20 }, async (_, n) => {
          const scope = container.createScope();
          try {
            const db = await scope.resolve(Db);
            const { rows } = await db.query<{ n: number }>('select $1::int as n', [n]);
            return { db, n: rows[0]?.n };
          } finally {
            await scope.dispose();
          }
        }),
      );
      assert.equal(created, 1);
      assert.equal(new Set(answers.map((a) => a.db)).size, 1);
      assert.deepEqual(
        answers.map((a) => a.n),
        [...Array(20).keys()],
      );
      const [first] = answers;
      assert.equal(first?.db.closed, false, 'a scope disposed the shared pool');
      await container.dispose();
      assert.equal(first?.db.closed, true, 'the pool was not closed at shutdown');
    });

    it('disposes singletons at shutdown in reverse creation order, so dependents go before their dependencies', async () => {
      const order: string[] = [];
      const Config = token<{ url: string }>('config');
      const Pool = token<{ url: string }>('pool');
      const Repo = token<{ pool: unknown }>('repo');
      const Unused = token<object>('unused');
      const container = new Container()
        .singleton(Config, () => ({ url: 'postgres://' }), { dispose: () => void order.push('config') })
        .singleton(Pool, async (r) => ({ url: (await r.resolve(Config)).url }), { dispose: () => void order.push('pool') })
        .singleton(Repo, async (r) => ({ pool: await r.resolve(Pool) }), { dispose: () => void order.push('repo') })
        .singleton(Unused, () => ({}), { dispose: () => void order.push('unused') });
      await container.resolve(Repo);
      await container.dispose();
      await container.dispose(); // idempotent
      assert.deepEqual(order, ['repo', 'pool', 'config']);
      await rejectsWith(container.resolve(Config), 'DISPOSED', /cannot resolve "config": the container was disposed/);
      assert.throws(() => container.createScope(), /the container was disposed/);
    });

    it('waits for a singleton still being created and disposes it too', async () => {
      const slow = gate();
      let disposed = false;
      const Client = token<{ id: number }>('client');
      const container = new Container().singleton(
        Client,
        async () => {
          await slow.opened;
          return { id: 1 };
        },
        { dispose: () => void (disposed = true) },
      );
      const resolving = container.resolve(Client);
      const disposing = container.dispose();
      slow.open();
      await disposing;
      assert.deepEqual(await resolving, { id: 1 });
      assert.equal(disposed, true);
    });

    it('runs every disposer even when some fail, then reports the failures together', async () => {
      const A = token<string>('a');
      const B = token<string>('b');
      const disposed: string[] = [];
      const container = new Container()
        .singleton(A, () => 'a', { dispose: () => void disposed.push('a') })
        .singleton(B, () => 'b', {
          dispose: () => {
            throw new Error('socket already closed');
          },
        });
      await container.resolve(A);
      await container.resolve(B);
      await assert.rejects(container.dispose(), (error: unknown) => {
        assert.ok(error instanceof AggregateError);
        assert.match(error.message, /1 disposer\(s\) of the container failed/);
        assert.equal((error.errors[0] as Error).message, 'socket already closed');
        return true;
      });
      assert.deepEqual(disposed, ['a']);
    });

    it('does not cache a failed creation: the next resolve tries again', async () => {
      const Flaky = token<string>('flaky');
      let calls = 0;
      const container = new Container().singleton(Flaky, async () => {
        calls += 1;
        if (calls === 1) throw new Error('ECONNREFUSED');
        return 'connected';
      });
      await assert.rejects(container.resolve(Flaky), (error: unknown) => {
        assert.ok(error instanceof ContainerError);
        assert.equal(error.code, 'FACTORY_FAILED');
        assert.match(error.message, /the factory for "flaky" failed \(flaky\): ECONNREFUSED/);
        assert.equal((error.cause as Error).message, 'ECONNREFUSED');
        return true;
      });
      assert.equal(await container.resolve(Flaky), 'connected');
    });
  });

  describe('scopes and transients', () => {
    it('creates a scoped value once per scope and disposes it with its scope, in reverse creation order', async () => {
      const Clock = token<{ now: number }>('clock');
      const Tx = token<{ n: number }>('tx');
      const Repo = token<{ tx: { n: number }; clock: { now: number } }>('repo');
      const disposed: string[] = [];
      let transactions = 0;
      const container = new Container()
        .singleton(Clock, () => ({ now: 0 }), { dispose: () => void disposed.push('clock') })
        .scoped(Tx, () => ({ n: ++transactions }), { dispose: (tx) => void disposed.push(`tx${tx.n}`) })
        .scoped(Repo, async (r) => ({ tx: await r.resolve(Tx), clock: await r.resolve(Clock) }), {
          dispose: (repo) => void disposed.push(`repo${repo.tx.n}`),
        });
      const first = container.createScope();
      const second = container.createScope();
      const [a1, a2] = await Promise.all([first.resolve(Repo), first.resolve(Repo)]);
      const b = await second.resolve(Repo);
      assert.equal(a1, a2);
      assert.notEqual(a1, b);
      assert.equal(a1.tx, await first.resolve(Tx));
      assert.equal(a1.clock, b.clock, 'singletons are shared across scopes');
      await first.dispose();
      assert.equal(first.disposed, true);
      assert.deepEqual(disposed, ['repo1', 'tx1']);
      await rejectsWith(first.resolve(Tx), 'DISPOSED', /the scope was disposed/);
      await second.dispose();
      assert.deepEqual(disposed, ['repo1', 'tx1', 'repo2', 'tx2']);
      await container.dispose();
      assert.deepEqual(disposed.at(-1), 'clock');
    });

    it('creates a transient on every resolve', async () => {
      const Id = token<{ id: number }>('id');
      let next = 0;
      const container = new Container().transient(Id, () => ({ id: ++next }));
      const scope = container.createScope();
      assert.deepEqual([await container.resolve(Id), await scope.resolve(Id), await scope.resolve(Id)], [{ id: 1 }, { id: 2 }, { id: 3 }]);
    });
  });

  describe('errors', () => {
    it('refuses a singleton that would capture a scoped dependency, directly or through a transient', async () => {
      const RequestUser = token<string>('requestUser');
      const Helper = token<string>('helper');
      const AuditLog = token<string>('auditLog');
      const Mailer = token<string>('mailer');
      const container = new Container()
        .scoped(RequestUser, () => 'ada')
        .transient(Helper, (r) => r.resolve(RequestUser))
        .singleton(AuditLog, (r) => r.resolve(RequestUser))
        .singleton(Mailer, (r) => r.resolve(Helper));
      const scope = container.createScope();
      await rejectsWith(
        scope.resolve(AuditLog),
        'CAPTIVE_DEPENDENCY',
        /^singleton "auditLog" depends on scoped "requestUser" \(auditLog -> requestUser\): .*Make "auditLog" scoped, or make "requestUser" a singleton\.$/,
      );
      await rejectsWith(scope.resolve(Mailer), 'CAPTIVE_DEPENDENCY', /singleton "mailer" depends on scoped "requestUser" \(mailer -> helper -> requestUser\)/);
      assert.equal(await scope.resolve(Helper), 'ada', 'a transient may use scoped values when resolved in a scope');
    });

    it('asks for a scope when a scoped token is resolved from the container', async () => {
      const Tx = token<object>('tx');
      const Service = token<object>('service');
      const container = new Container().scoped(Tx, () => ({})).transient(Service, (r) => r.resolve(Tx));
      await rejectsWith(container.resolve(Tx), 'SCOPE_REQUIRED', /"tx" is scoped: resolve it from a scope/);
      await rejectsWith(container.resolve(Service), 'SCOPE_REQUIRED', /needed by service/);
    });

    it('names the cycle instead of overflowing the stack', async () => {
      const A = token<unknown>('a');
      const B = token<unknown>('b');
      const C = token<unknown>('c');
      const Self = token<unknown>('self');
      const container = new Container()
        .singleton(A, (r) => r.resolve(B))
        .scoped(B, (r) => r.resolve(C))
        .transient(C, (r) => r.resolve(A))
        .transient(Self, (r) => r.resolve(Self));
      const scope = container.createScope();
      await rejectsWith(scope.resolve(B), 'CYCLE', /^dependency cycle: b -> c -> a -> b$|^singleton "a" depends on scoped "b"/);
      const transients = new Container().transient(A, (r) => r.resolve(C)).transient(C, (r) => r.resolve(A));
      await rejectsWith(transients.resolve(A), 'CYCLE', /^dependency cycle: a -> c -> a$/);
      await rejectsWith(container.resolve(Self), 'CYCLE', /^dependency cycle: self -> self$/);
    });

    it('reports a cycle between two concurrent first resolutions instead of deadlocking', async () => {
      const A = token<unknown>('a');
      const B = token<unknown>('b');
      const both = gate();
      const container = new Container()
        .singleton(A, async (r) => {
          await both.opened;
          return r.resolve(B);
        })
        .singleton(B, async (r) => {
          await both.opened;
          return r.resolve(A);
        });
      // Each chain starts the other token's creation before either reaches its dependency, so neither
      // chain's own path contains a repeat: only the wait graph between creations reveals the cycle.
      const resolvingA = container.resolve(A);
      const resolvingB = container.resolve(B);
      both.open();
      const results = await Promise.allSettled([resolvingA, resolvingB]);
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        assert.ok(result.reason instanceof ContainerError);
        assert.equal(result.reason.code, 'CYCLE');
      }
    });

    it('names an unknown token and who needed it', async () => {
      const Known = token<unknown>('known');
      const Missing = token<unknown>('missing');
      const container = new Container().transient(Known, (r) => r.resolve(Missing));
      await rejectsWith(container.resolve(Missing), 'UNKNOWN_TOKEN', /^no provider registered for "missing"$/);
      await rejectsWith(container.resolve(Known), 'UNKNOWN_TOKEN', /^no provider registered for "missing" \(needed by known\)$/);
    });

    it('rejects duplicate registrations, bad tokens and bad factories', () => {
      const A = token<number>('a');
      const container = new Container().value(A, 1);
      assert.throws(() => container.value(A, 2), /"a" is already registered; use override\(\) to replace it/);
      assert.throws(() => token(''), /token name must be a non-empty string/);
      assert.throws(() => container.singleton(token<number>('b'), 42 as never), /a singleton provider needs a factory function, got number/);
      assert.throws(() => container.value({} as never, 1), /expected a token created with token<T>\(name\)/);
    });
  });

  describe('overrides', () => {
    it('replaces a provider for tests, keeping its lifetime and disposal', async () => {
      interface Mailer {
        send(to: string): Promise<string>;
      }
      const MailerToken = token<Mailer>('mailer');
      const sent: string[] = [];
      let disposed = false;
      const container = new Container().singleton(MailerToken, () => ({ send: async () => 'smtp' }));
      const fake: Mailer = {
        send: async (to) => {
          sent.push(to);
          return 'fake';
        },
      };
      container.override(MailerToken, () => fake, { dispose: () => void (disposed = true) });
      const mailer = await container.resolve(MailerToken);
      assert.equal(await mailer.send('ada@example.com'), 'fake');
      assert.equal(mailer, await container.createScope().resolve(MailerToken), 'the override stayed a singleton');
      assert.deepEqual(sent, ['ada@example.com']);
      await container.dispose();
      assert.equal(disposed, true);
    });

    it('refuses to override an unknown or already-resolved token', async () => {
      const A = token<number>('a');
      const container = new Container().singleton(A, () => 1);
      assert.throws(() => container.override(token<number>('nope'), () => 2), /cannot override "nope": it is not registered/);
      await container.resolve(A);
      assert.throws(() => container.override(A, () => 2), /cannot override "a": it was already resolved; apply overrides before the first resolve/);
    });
  });
});
