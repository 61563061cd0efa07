import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Db, Users, createContainer, expressApp, fastifyApp, honoApp, type Database } from '../usage/container.js';

describe('usage: container', function () {
  this.timeout(180_000); // one PGlite boot, slow on a loaded machine

  it('bw-container and the three request-scope snippets serve a query through one shared database, closed at shutdown', async () => {
    let opened = 0;
    let closed = false;
    const container = createContainer(async () => {
      opened += 1;
      const { PGlite } = await import('@electric-sql/pglite');
      const pglite = new PGlite();
      await pglite.query('create table users (id serial primary key)');
      await pglite.query('insert into users default values');
      const db: Database = {
        query: (sql, params) => pglite.query(sql, params),
        close: async () => {
          closed = true;
          await pglite.close();
        },
      };
      return db;
    });

    const server = expressApp(container).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const viaExpress = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/users/count`);
      assert.deepEqual(await viaExpress.json(), { count: 1 });
    } finally {
      server.close();
    }
    const viaHono = await honoApp(container).request('/users/count');
    assert.deepEqual(await viaHono.json(), { count: 1 });
    const fastify = await fastifyApp(container);
    const viaFastify = await fastify.inject({ method: 'GET', url: '/users/count' });
    assert.deepEqual(viaFastify.json(), { count: 1 });
    await fastify.close();

    const scope = container.createScope();
    const [a, b] = await Promise.all([scope.resolve(Users), scope.resolve(Users)]);
    assert.equal(a, b);
    assert.notEqual(a, await container.createScope().resolve(Users));
    assert.equal(opened, 1, 'the database was opened more than once');
    assert.ok(await container.resolve(Db));
    await container.dispose();
    assert.equal(closed, true);
  });
});
