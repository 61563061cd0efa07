import rule from '../../src/rules/no-error-details-in-response.js';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

const safeClasses = 'AppError, HttpError, HTTPException, HttpException';
const message = { messageId: 'messageInResponse' as const, data: { safeClasses } };
const stack = { messageId: 'stackInResponse' as const };
const whole = { messageId: 'errorInResponse' as const };

runRuleTestsWithTypeScriptCheck('no-error-details-in-response', rule, {
  valid: [
    // the runtime's shape: one handler, generic 5xx body with the request id, error logged
    `app.use((err, req, res, next) => {
  logger.error({ err, requestId: req.id }, 'unhandled error');
  res.status(500).json({ code: 'INTERNAL', message: 'An unexpected error occurred', requestId: req.id });
});`,
    `app.use((err, req, res, next) => {
  if (err instanceof AppError) return res.status(err.status).json({ code: err.code, message: err.message });
  res.status(500).json({ code: 'INTERNAL' });
});`,
    `app.onError((err, c) => {
  if (err instanceof HTTPException) { return c.json({ message: err.message }, err.status); }
  return c.json({ message: 'Internal Server Error' }, 500);
});`,
    `app.use((err, req, res, next) => {
  if (!(err instanceof HttpError)) return res.status(500).end();
  res.status(err.statusCode).send(err.message);
});`,
    `app.use(async (ctx, next) => { try { await next(); } catch (err) { ctx.status = err.status ?? 500; if (err.expose) ctx.body = { message: err.message }; } });`,
    `fastify.setErrorHandler((error, request, reply) => { reply.code(500).send({ message: 'Internal error', code: error.code }); });`,
    `try { await run(); } catch (error) { res.status(500).json({ message: error instanceof AppError ? error.message : 'Internal error' }); }`,
    {
      code: `try { run(); } catch (e) { if (e instanceof ValidationError) res.status(400).json({ error: e.message }); }`,
      options: [{ safeErrorClasses: ['ValidationError'] }],
    },
    // the error goes to a log, not to the client
    `try { await run(); } catch (error) { logger.error(error.stack); res.sendStatus(500); }`,
    `try { await run(); } catch (error) { socket.send(error.message); }`,
    `promise.catch((error) => console.error(error.message));`,
    // Fastify: reply.send(err) hands the error to the error handler, as throw err does (fastify's own lib/ and routes)
    `fastify.get('/', async (request, reply) => { try { reply.send(await load()); } catch (err) { reply.send(err); } });`,
    `try { reply.send(payload); } catch (err) { reply[kReplyIsError] = true; reply.code(500).send(err); }`,
    // a literal 4xx answer: a validation or parse failure whose message is written for the client
    `app.post('/users', async (req, res) => { try { res.json(await create(schema.parse(req.body))); } catch (e) { res.status(400).json({ error: e.message }); } });`,
    `fastify.setErrorHandler((err, req, reply) => { reply.code(400); reply.send({ error: err.message }); });`,
    `export async function POST(request) { try { return Response.json(parse(await request.json())); } catch (e) { return Response.json({ error: String(e) }, { status: 422 }); } }`,
    `app.onError((err, c) => c.json({ message: err.message }, 400));`,
    // a json() that is not a framework's response helper
    `function json(value) { return JSON.stringify(value); } try { run(); } catch (e) { log(json({ error: e.message })); }`,
    // a return from a function that is not a route module's loader/action
    `export async function loadUser(id) { try { return await db.user(id); } catch (e) { return { error: e.message }; } }`,
    `export async function loader() { const rows = await Promise.all(ids.map(async (id) => { try { return await get(id); } catch (e) { return { id, error: e.message }; } })); return { count: rows.length }; }`,
  ],
  invalid: [
    // issue 10: the message through a ternary; Remix / React Router json()/data(); loader/action returns
    {
      code: `try { await run(); } catch (err) { res.status(500).json({ error: err instanceof Error ? err.message : String(err) }); }`,
      errors: [{ ...message, column: 89 }],
    },
    {
      code: `import { json } from '@remix-run/node';
export async function action({ request }) {
  try {
    await save(await request.formData());
    return json({ ok: true });
  } catch (error) {
    return json({ error: error.message }, { status: 500 });
  }
}`,
      errors: [{ ...message, line: 7 }],
    },
    {
      code: `import { data as respond } from 'react-router';
export async function action() { try { return await run(); } catch (e) { throw respond({ error: String(e) }, { status: 500 }); } }`,
      errors: [whole],
    },
    {
      code: `export async function loader({ params }) {
  try {
    return { user: await getUser(params.id) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'unknown error' };
  }
}`,
      errors: [{ ...message, line: 5 }],
    },
    { code: `export const action = async () => { try { await run(); } catch (e) { return { ok: false, trace: e.stack }; } };`, errors: [stack] },
    {
      code: `fastify.get('/', async (request, reply) => { try { await load(); } catch (err) { reply.code(500).send({ error: err.message }); } });`,
      errors: [message],
    },
    {
      name: 'a stack is never for the client, whatever the status',
      code: `try { run(); } catch (e) { res.status(400).json({ error: e.message, stack: e.stack }); }`,
      errors: [stack],
    },
    { code: `fastify.setErrorHandler((error, request, reply) => { reply.status(503).send({ error: error.message }); });`, errors: [message] },
    {
      name: 'catalogue defect: error handlers that put the message in a 500 body',
      code: `app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});`,
      errors: [{ ...message, line: 2, column: 33 }],
    },
    {
      code: `app.use(function errorHandler(err, req, res, next) { res.status(500).send({ message: 'Internal', detail: { stack: err.stack } }); });`,
      errors: [stack],
    },
    {
      name: 'stack is never allowed, even for a client error class',
      code: `app.use((err, req, res, next) => { if (err instanceof AppError) res.json({ message: err.message, stack: err.stack }); });`,
      errors: [stack],
    },
    { code: `try { await run(); } catch (error) { res.status(500).json(error); }`, errors: [whole] },
    { code: `try { await run(); } catch (error) { res.end(\`failed: \${error}\`); }`, errors: [whole] },
    { code: `try { await run(); } catch (error) { res.end('failed: ' + error.message); }`, errors: [message] },
    { code: `try { await run(); } catch (error) { res.end(JSON.stringify({ error: error.message })); }`, errors: [message] },
    { code: `try { await run(); } catch (error) { response.write(String(error)); }`, errors: [whole] },
    { code: `try { await run(); } catch (e) { return new Response(e.message, { status: 500 }); }`, errors: [message] },
    { code: `try { await run(); } catch (e) { return Response.json({ error: (e as Error).message }, { status: 500 }); }`, errors: [message] },
    { code: `try { await run(); } catch (e) { return NextResponse.json({ error: e.stack }, { status: 500 }); }`, errors: [stack] },
    { code: `app.onError((err, c) => c.json({ message: err.message }, 500));`, errors: [message] },
    { code: `app.onError((err, c) => c.text(err.stack ?? '', 500));`, errors: [stack] },
    { code: `fastify.setErrorHandler((error, request, reply) => { reply.status(500).send({ message: error.message }); });`, errors: [message] },
    {
      code: `app.use(async (ctx, next) => { try { await next(); } catch (err) { ctx.status = 500; ctx.body = { error: err.message }; } });`,
      errors: [message],
    },
    { code: `getUser(id).then((user) => res.json(user)).catch((err) => res.status(500).json({ error: [err.message] }));`, errors: [message] },
    {
      name: 'a guard on a different error does not make this one safe',
      code: `try { run(); } catch (error) { if (other instanceof AppError) res.json({ message: error.message }); }`,
      errors: [message],
    },
    {
      code: `export async function GET() { try { return Response.json(await load()); } catch (e) { return <pre>{String(e)}</pre>, new Response(\`\${e}\`); } }`,
      filename: 'file.tsx',
      errors: [whole],
    },
  ],
});
