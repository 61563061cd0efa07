// Redis helpers of the benchmarks: a real redis-server (the tests' fixture: a free loopback port,
// no persistence), `INFO commandstats` deltas, and clients that count their own round trips.
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { startRedisServer, type RedisServer } from '../runtime/test/fixtures/redis.js';

export { startRedisServer, type RedisServer };

export interface CommandStat {
  readonly calls: number;
  /** Microseconds Redis spent executing the command (a script's time includes the commands it calls). */
  readonly usec: number;
}

/** Calls and CPU time per command name, from `INFO commandstats` (script-internal calls included, as Redis counts them). */
export async function commandStats(redis: Redis): Promise<Map<string, CommandStat>> {
  const info = await redis.info('commandstats');
  const stats = new Map<string, CommandStat>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** `after - before` per command, without the commands that did not change. */
export function commandDelta(before: Map<string, CommandStat>, after: Map<string, CommandStat>): Map<string, CommandStat> {
  const delta = new Map<string, CommandStat>();
  for (const [command, stat] of after) {
    const calls = stat.calls - (before.get(command)?.calls ?? 0);
    if (calls > 0) delta.set(command, { calls, usec: stat.usec - (before.get(command)?.usec ?? 0) });
  }
  return delta;
}

/**
 * Runs `operation` and returns what it sent to Redis: commands per name from commandstats (minus the
 * INFO the measurement itself sends) and the client's own count of commands it wrote.
 */
export async function countCommands(
  observer: Redis,
  client: CountingRedis,
  operation: () => Promise<void>,
): Promise<{ delta: Map<string, CommandStat>; sent: number }> {
  const before = await commandStats(observer);
  const sentBefore = client.sent;
  await operation();
  const sent = client.sent - sentBefore;
  const delta = commandDelta(before, await commandStats(observer));
  // The observer's own INFO is counted when the second INFO runs.
  const info = delta.get('info');
  if (info && info.calls > 1) delta.set('info', { calls: info.calls - 1, usec: info.usec });
  else delta.delete('info');
  return { delta, sent };
}

export interface CountingRedis extends Redis {
  /** Commands this client has written to its socket. */
  readonly sent: number;
}

/** An ioredis client that counts every command it sends (each one is a request/reply round trip unless pipelined). */
export function countingRedis(url: string, options: RedisOptions = {}): CountingRedis {
  const client = new Redis(url, options) as Redis & { sent: number };
  client.sent = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    client.sent++;
    return send(...args);
  }) as Redis['sendCommand'];
  client.on('error', () => undefined); // connection errors surface as rejected commands
  return client;
}

/**
 * The redis-server main thread's CPU time in ns (Linux `/proc/<pid>/task/<pid>/schedstat`): all the
 * server's work for a command, reading the request and writing the reply included, which
 * `commandstats` leaves out. Undefined when the server's process cannot be read (not on this machine).
 */
export async function serverCpuClock(observer: Redis): Promise<(() => number) | undefined> {
  const pid = Number((await observer.info('server')).match(/^process_id:(\d+)/m)?.[1]);
  const file = `/proc/${pid}/task/${pid}/schedstat`;
  const read = () => Number(readFileSync(file, 'utf8').split(' ')[0]);
  try {
    return Number.isFinite(read()) ? read : undefined;
  } catch {
    return undefined;
  }
}
