import rule from '../../src/rules/no-client-per-request.js';
import { runRuleTests } from '../setup.js';

runRuleTests('no-client-per-request', rule, {
  valid: [
    // runtime container shape: singletons built once at startup, handlers only use them
    `import { Pool } from 'pg';
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    app.get('/users/:id', async (req, res) => {
      const { rows } = await pool.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
      res.json(rows[0]);
    });
    process.once('SIGTERM', () => pool.end());`,
    `const redis = createClient({ url: process.env.REDIS_URL });
    export async function GET() { return Response.json(await redis.get('k')); }`,
    // lazy singletons: created on the first request only
    `let pool;
    app.get('/', async (req, res) => {
      pool ??= new Pool();
      res.json(await pool.query('SELECT 1'));
    });`,
    `let client;
    app.get('/', async (req, res) => {
      if (!client) client = createClient();
      res.send(await client.get('k'));
    });`,
    `app.get('/', async (req, res) => {
      const db = globalThis.db ?? (globalThis.db = new PrismaClient());
      res.json(await db.user.findMany());
    });`,
    `app.get('/', (req, res) => { this.pool = this.pool || new Pool(); res.end(); });`,
    // knex called with a table name is the query builder of an existing pool
    `app.get('/users', async (req, res) => res.json(await knex('users').select()));`,
    // created at setup, outside any handler
    `function buildApp() { const prisma = new PrismaClient(); app.get('/', (req, res) => prisma.user.findMany()); }`,
    `app.use(session({ store: new RedisStore({ client: createClient() }) }));`,
    // not request handlers
    `worker.on('message', () => { const pool = new Pool(); });`,
    `const map = new Map(); map.get('k');`,
    `function register(app, handler) { app.get('/', handler); const pool = new Pool(); }`,
    `export function getUsers() { return new PrismaClient(); }`,
    `export async function handler(event) { return new Pool(); }`,
    `app.get('/', (req, res) => { const pool = new ThreadPool(); });`,
    { code: `app.get('/', (req, res) => { const pool = new Pool(); });`, options: [{ constructors: ['Redis'] }] },
  ],
  invalid: [
    {
      name: 'catalogue defect: get_engine creates a connection pool per request despite its singleton comment',
      code: `// Create database engine (singleton via settings cache).
      function getEngine(settings) {
        return createPool({ connectionString: settings.postgres.url, max: 5 });
      }
      router.post('/users', async (req, res) => {
        const engine = createPool({ connectionString: settings.postgres.url, max: 5 });
        res.json(await engine.query('INSERT INTO users (email) VALUES ($1)', [req.body.email]));
      });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'createPool()' }, line: 6, column: 24 }],
    },
    {
      code: `app.get('/users', async (req, res) => {
        const pool = new Pool();
        res.json((await pool.query('SELECT * FROM users')).rows);
      });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'new Pool()' }, line: 2, column: 22 }],
    },
    {
      code: `router.post('/x', auth, async function (req, res) { const redis = new Redis(); });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'new Redis()' } }],
    },
    {
      code: `fastify.get('/', async (request, reply) => { const client = new MongoClient(url); });`,
      errors: [{ messageId: 'clientPerRequest' }],
    },
    {
      code: `app.get('/', (c) => { const sql = postgres(process.env.DATABASE_URL); return c.json({}); });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'postgres()' } }],
    },
    {
      code: `app.use(async (ctx, next) => { ctx.db = drizzle(new Pool()); await next(); });`,
      errors: [
        { messageId: 'clientPerRequest', data: { name: 'drizzle()' } },
        { messageId: 'clientPerRequest', data: { name: 'new Pool()' } },
      ],
    },
    {
      code: `app.post('/hook', async (req, res) => { const http = axios.create({ baseURL }); await http.post('/x'); });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'axios.create()' } }],
    },
    {
      code: `app.get('/', async (req, res) => { const db = knex({ client: 'pg', connection }); });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'knex()' } }],
    },
    {
      code: `app.get('/', async (req, res) => { const client = redis.createClient(); await client.connect(); });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'redis.createClient()' } }],
    },
    {
      code: `app.get('/', async (req, res) => { const pool = new pg.Pool(); });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'new Pool()' } }],
    },
    {
      name: 'a named handler registered later in the file',
      code: `async function listUsers(req, res) {
        const prisma = new PrismaClient();
        res.json(await prisma.user.findMany());
      }
      app.get('/users', listUsers);`,
      errors: [{ messageId: 'clientPerRequest', line: 2 }],
    },
    {
      code: `const handler = async (req, res) => { const ds = new DataSource(options); };
      router.route('/x').get([authenticate, handler]);`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'new DataSource()' } }],
    },
    {
      code: `fastify.route({ method: 'GET', url: '/', handler: async () => { const kafka = new Kafka(config); } });`,
      errors: [{ messageId: 'clientPerRequest', data: { name: 'new Kafka()' } }],
    },
    {
      name: 'nested inside a callback of the handler still runs per request',
      code: `app.get('/', (req, res) => { withUser(req, async () => { const s = new Sequelize(url); }); });`,
      errors: [{ messageId: 'clientPerRequest' }],
    },
    {
      name: 'an Express error handler',
      code: `function onError(err, req, res, next) { const redis = new Redis(); redis.incr('errors'); next(err); }`,
      errors: [{ messageId: 'clientPerRequest' }],
    },
    {
      name: 'Next.js route handler',
      code: `export async function GET(request) {
        const db = new PGlite();
        return Response.json(await db.query('select 1'));
      }`,
      errors: [{ messageId: 'clientPerRequest', line: 2 }],
    },
    {
      code: `export const POST = async (request) => { const c = createClient(); };`,
      errors: [{ messageId: 'clientPerRequest' }],
    },
    {
      code: `async function handle(request) { const c = new Cluster([]); }
      export { handle as DELETE };`,
      errors: [{ messageId: 'clientPerRequest' }],
    },
    {
      name: 'Next.js pages API route',
      code: `export default async function handler(req, res) { const prisma = new PrismaClient(); }`,
      errors: [{ messageId: 'clientPerRequest' }],
    },
    {
      name: 'an unconditional assignment to an outer variable still creates one per request',
      code: `let pool; app.get('/', (req, res) => { pool = new Pool(); });`,
      errors: [{ messageId: 'clientPerRequest' }],
    },
    {
      code: `app.get('/', async (req: Request, res: Response) => {
        const prisma = new PrismaClient() as ExtendedClient;
        res.json(await prisma.user.findMany());
      });`,
      filename: 'file.ts',
      errors: [{ messageId: 'clientPerRequest', line: 2 }],
    },
    {
      code: `app.get('/', (req, res) => { const c = new Custom(); });`,
      options: [{ constructors: ['Custom'], factories: [] }],
      errors: [{ messageId: 'clientPerRequest', data: { name: 'new Custom()' } }],
    },
    {
      code: `app.get('/', (req, res) => { const c = db.connect(); });`,
      options: [{ factories: ['db.connect'] }],
      errors: [{ messageId: 'clientPerRequest', data: { name: 'db.connect()' } }],
    },
  ],
});
