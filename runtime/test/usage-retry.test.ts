import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { getExchangeRates, syncCustomer, syncCustomerOrDefer, type CrmClient } from '../usage/retry.js';

describe('usage/retry', () => {
  it('bw-retry: retries a 503 from the client, then returns the customer', async () => {
    let calls = 0;
    const crm: CrmClient = {
      async getCustomer(id, { signal }) {
        assert.ok(signal instanceof AbortSignal);
        if (++calls < 3) throw Object.assign(new Error('CRM unavailable'), { status: 503 });
        return { id, name: 'Ada' };
      },
    };
    assert.deepEqual(await syncCustomer(crm, 'c-1'), { id: 'c-1', name: 'Ada' });
    assert.equal(calls, 3);
  });

  it('bw-retry: does not retry a 404 from the client', async () => {
    let calls = 0;
    const crm: CrmClient = {
      async getCustomer() {
        calls++;
        throw Object.assign(new Error('no such customer'), { status: 404 });
      },
    };
    await assert.rejects(syncCustomer(crm, 'c-404'), /no such customer/);
    assert.equal(calls, 1);
  });

  it('syncCustomerOrDefer: a Retry-After beyond maxDelay defers the work for the full wait instead of retrying early', async () => {
    let calls = 0;
    const deferred: Array<[string, number]> = [];
    const crm: CrmClient = {
      async getCustomer() {
        calls++;
        throw Object.assign(new Error('slow down'), { status: 429, headers: { 'retry-after': '60' } });
      },
    };
    assert.equal(await syncCustomerOrDefer(crm, 'c-9', async (id, ms) => void deferred.push([id, ms])), 'deferred');
    assert.equal(calls, 1);
    assert.deepEqual(deferred, [['c-9', 60_000]]);
  });

  it('bw-fetch-retry: gets rates from a real server that fails once with 503', async () => {
    const paths: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      paths.push(req.url);
      if (paths.length === 1) return void res.writeHead(503, { 'retry-after': '0' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ EUR: 0.92 }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      assert.deepEqual(await getExchangeRates(baseUrl), { EUR: 0.92 });
      assert.deepEqual(paths, ['/rates', '/rates']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
