// Entry point: `npm --workspace runtime run example`. Environment: PORT (default 3000),
// DATABASE_URL (default: in-process PGlite), REDIS_URL (default: in-memory cache, limiter and queue),
// NOTIFY_URL (default: the service's own stand-in notification provider).
import { installSignalHandlers } from '../src/background.js';
import { startServer } from './app.js';

const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const running = await startServer({
  port,
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  notifyUrl: process.env.NOTIFY_URL || undefined,
});
// SIGTERM/SIGINT: stop accepting requests, finish in-flight ones and queued notification jobs, then exit.
installSignalHandlers({ stop: () => running.close() });

const url = running.url;
console.log(`
Bulwark example users service on ${url}
  database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite (in process)'}
  cache, rate limiter, job queue: ${process.env.REDIS_URL ? 'Redis (REDIS_URL)' : 'in memory'}

Try:
  # create a user (201; a background job then notifies the stand-in provider through fetchWithRetry)
  curl -si -X POST ${url}/users -H 'content-type: application/json' -d '{"email":"ada@example.com","name":"Ada"}'

  # read it twice: X-Cache: MISS, then HIT (replace <id> with the id from above)
  curl -si ${url}/users/<id> | grep -i -e x-cache -e x-request-id
  curl -si ${url}/users/<id> | grep -i x-cache

  # a 404 AppError body, with the request id you sent
  curl -s ${url}/users/nobody -H 'X-Request-ID: demo-123'

  # client input is a 400, never a 500: a forged cursor, bad percent-encoding, a NUL in an id
  curl -s '${url}/users?after=!!!'
  curl -s ${url}/users/%ZZ
  curl -s ${url}/users/a%00b

  # rate-limit and timing headers
  curl -si ${url}/health | grep -i -e ratelimit -e server-timing -e x-response-time

  # list users (keyset pagination)
  curl -s '${url}/users?limit=10'
${
  running.providerUrl
    ? `
  # what the stand-in notification provider received (its own loopback-only port, not the public app)
  curl -s ${running.providerUrl}/internal/notifications
`
    : ''
}`);
