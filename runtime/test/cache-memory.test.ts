// MemoryStore against a fake performance.now: expiry at its exact boundary, the bounded staleness of the
// coarse clock, and the CLOCK eviction's limit on second chances. Nothing here waits on time.
import assert from 'node:assert/strict';
import { MemoryStore } from '../src/cache/memory.js';

describe('cache/memory: MemoryStore on a fake clock', () => {
  const realNow = performance.now;
  let now = 0;
  let clockReads = 0;
  // The store's coarse clock keeps one reading until a 1 ms timer of real time drops it. Waiting 2 ms
  // here lets that timer fire, so a reading taken by an earlier test (or file) never answers in this one:
  // on a loaded machine it had not fired yet, and "expired exactly now" read the previous test's time.
  beforeEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    now = 1_000;
    clockReads = 0;
    performance.now = () => (clockReads++, now);
  });
  afterEach(() => {
    performance.now = realNow;
  });

  it('delete and deleteMatching count only entries still alive, an entry being dead from its expiry on', async () => {
    const store = new MemoryStore();
    await store.set('user:1', 'a', 100); // expires at 1_100
    await store.set('user:2', 'b', 101);
    await store.set('user:3', 'c', 100);
    now = 1_100;
    assert.equal(await store.delete('user:1'), false, 'expired exactly now');
    assert.equal(await store.deleteMatching('user:*'), 1, 'user:2 is alive for 1 ms more; user:3 is not');
    assert.equal(store.size, 0, 'expired entries are removed all the same');
    await store.set('user:4', 'd', 100);
    now = 1_199;
    assert.equal(await store.delete('user:4'), true);
  });

  it('notices an expired entry within 64 reads however hot the loop, with no timer able to run', () => {
    const store = new MemoryStore();
    store.put('hot', 1, 100);
    // Read until the coarse clock takes a fresh reading: from there, every read is counted.
    // Bounded loops here and below: a broken clock fails the test at once instead of hanging it.
    for (let reads = clockReads, n = 0; clockReads === reads && n < 1_000; n++) store.peek('hot');
    now += 100; // expired from now on
    let reads = 0;
    while (store.peek('hot') !== undefined && reads < 1_000) reads++;
    assert.equal(reads, 63, 'served from the last reading 63 more times, then read the clock');
  });

  it('gives at most 15 second chances per eviction: the 16th entry probed goes even if it was read', async () => {
    const store = new MemoryStore({ maxEntries: 20 });
    for (let i = 0; i < 20; i++) store.put(`k${i}`, i, 60_000);
    for (let i = 0; i < 20; i++) store.peek(`k${i}`);
    store.put('k20', 20, 60_000);
    assert.equal(store.peek('k15'), undefined, 'k0..k14 moved to the back; k15 was the 16th probed');
    for (const kept of ['k0', 'k14', 'k16', 'k19', 'k20']) assert.notEqual(store.peek(kept), undefined, kept);
  });

  it('clears the second chance of each entry it moves to the back', () => {
    const store = new MemoryStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) store.put(key, key, 60_000);
    for (const key of ['a', 'b', 'c']) store.peek(key);
    store.put('d', 'd', 60_000); // a, b, c move to the back, their chance used; d, never read, goes
    store.put('e', 'e', 60_000); // a is at the front again, with no chance left: it goes
    assert.equal(store.peek('d'), undefined);
    assert.equal(store.peek('a'), undefined);
    for (const kept of ['b', 'c', 'e']) assert.notEqual(store.peek(kept), undefined, kept);
  });
});
