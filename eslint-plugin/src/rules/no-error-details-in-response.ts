import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import { isFunctionNode, isTypeWrapperOf, skipTypeWrappers, staticMemberName, trailingName, type FunctionNode } from '../util/ast.js';

export interface NoErrorDetailsInResponseOptions {
  /** Error classes whose message is written for clients. Default: AppError, HttpError, HTTPException, HttpException. */
  safeErrorClasses?: string[];
}

type Detail = 'error' | 'message' | 'stack';
type MessageId = 'errorInResponse' | 'messageInResponse' | 'stackInResponse';

const DEFAULT_SAFE_CLASSES = ['AppError', 'HttpError', 'HTTPException', 'HttpException'];
const MESSAGE_IDS: Record<Detail, MessageId> = {
  error: 'errorInResponse',
  message: 'messageInResponse',
  stack: 'stackInResponse',
};
/** Express `res.*` and Fastify `reply.*` methods that write a body. */
const NODE_RESPONSE_METHODS: ReadonlySet<string> = new Set(['json', 'jsonp', 'send', 'end', 'write']);
const NODE_RESPONSE_NAMES = /^(res|response|reply)$/i;
/** Hono context methods that write a body. */
const CONTEXT_RESPONSE_METHODS: ReadonlySet<string> = new Set(['json', 'text', 'html']);
const CONTEXT_NAMES = /^(c|ctx|context)$/;
const RESPONSE_CLASSES: ReadonlySet<string> = new Set(['Response', 'NextResponse']);
/**
 * Response helpers imported from a framework: Remix / React Router `json(...)` and `data(...)`,
 * SvelteKit `json(...)` and `error(status, body)`.
 */
const RESPONSE_HELPER_MODULES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['@remix-run/node', new Set(['json', 'data'])],
  ['@remix-run/server-runtime', new Set(['json', 'data'])],
  ['@remix-run/cloudflare', new Set(['json', 'data'])],
  ['@remix-run/deno', new Set(['json', 'data'])],
  ['@vercel/remix', new Set(['json', 'data'])],
  ['react-router', new Set(['data'])],
  ['react-router-dom', new Set(['json', 'data'])],
  ['@sveltejs/kit', new Set(['json', 'error'])],
]);
/** Exports of a Remix / React Router route module that answer requests: what they return is sent to the client. */
const ROUTE_HANDLER_EXPORTS: ReadonlySet<string> = new Set(['loader', 'action']);
/** Callees whose first parameter is the error being handled. */
const ERROR_HANDLER_REGISTRARS: ReadonlySet<string> = new Set(['catch', 'setErrorHandler', 'onError']);

export default createRule<[NoErrorDetailsInResponseOptions], MessageId>({
  name: 'no-error-details-in-response',
  meta: {
    type: 'problem',
    docs: {
      description: "Disallow sending an error's stack, message or the error itself in an HTTP response",
      recommended: 'error',
    },
    schema: [
      {
        type: 'object',
        properties: {
          safeErrorClasses: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Error classes whose `message` is meant for clients.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ safeErrorClasses: DEFAULT_SAFE_CLASSES }],
    messages: {
      stackInResponse:
        "The error's stack trace is sent to the client: it exposes file paths, dependencies and code structure. Log it, and answer with a generic message and the request id.",
      messageInResponse:
        "The error's message is sent to the client: for unexpected errors it can carry SQL, host names or file paths. Send a generic message, or only the message of an error meant for clients (checked with `instanceof` {{safeClasses}} or `expose`).",
      errorInResponse:
        'The error object itself is sent to the client: its message (and, with some serializers, its stack and cause) leak internals. Send a generic message and log the error.',
    },
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const safeClasses = new Set(options.safeErrorClasses ?? DEFAULT_SAFE_CLASSES);
    /** One report per value sent: `e instanceof Error ? e.message : String(e)` is one leak. */
    const reportedCarriers = new Set<TSESTree.Node>();

    function checkBinding(owner: TSESTree.CatchClause | FunctionNode, param: TSESTree.Node | null | undefined): void {
      if (param?.type !== AST_NODE_TYPES.Identifier) return;
      const variable = sourceCode.getDeclaredVariables(owner).find((candidate) => candidate.identifiers.includes(param));
      for (const reference of variable?.references ?? []) {
        if (reference.isRead()) checkReference(reference.identifier as TSESTree.Identifier, param.name);
      }
    }

    function checkReference(identifier: TSESTree.Identifier, errorName: string): void {
      let node: TSESTree.Node = outermostWrapper(identifier);
      let detail: Detail = 'error';
      const parent = node.parent;
      if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === node) {
        const property = staticMemberName(parent);
        if (property !== 'message' && property !== 'stack') return;
        detail = property;
        node = outermostWrapper(parent);
      }
      const reported = node;
      const carrier = outermostCarrier(node);
      if (reportedCarriers.has(carrier) || !isResponseSink(sourceCode, carrier)) return;
      // `reply.send(err)` hands the error to Fastify's error handler, as `throw err` would:
      // what reaches the client is decided there (the handler registered with setErrorHandler).
      if (detail === 'error' && carrier === reported && isFastifyErrorPath(carrier)) return;
      if (detail !== 'stack' && isGuarded(reported, errorName, safeClasses)) return;
      // `res.status(400).json({ error: e.message })`: a 4xx answer says the error is the client's
      // (a validation or parse failure), and its message is written for them. A stack never is.
      if (detail !== 'stack' && sentWithClientErrorStatus(carrier)) return;
      reportedCarriers.add(carrier);
      context.report({
        node: reported,
        messageId: MESSAGE_IDS[detail],
        data: { safeClasses: [...safeClasses].join(', ') },
      });
    }

    function checkFunction(node: FunctionNode): void {
      // Indexed, not destructured: this runs for every function, and array destructuring goes
      // through the iterator protocol.
      const first = node.params[0];
      // Express error middleware: (err, req, res, next)
      if (node.params.length === 4) return checkBinding(node, first);
      const parent = node.parent;
      if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(node as TSESTree.CallExpressionArgument)) {
        const callee = trailingName(parent.callee);
        if (callee !== undefined && ERROR_HANDLER_REGISTRARS.has(callee)) checkBinding(node, first);
      }
    }

    return {
      CatchClause(node) {
        checkBinding(node, node.param);
      },
      ArrowFunctionExpression: checkFunction,
      FunctionDeclaration: checkFunction,
      FunctionExpression: checkFunction,
    };
  },
});

function outermostWrapper(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.parent && isTypeWrapperOf(current.parent, current)) current = current.parent;
  return current;
}

/**
 * The outermost expression that still carries the value into a body: object and array
 * literals, template literals, `+` concatenation, `??`/`||`/`&&`, `JSON.stringify` and `String`.
 */
function outermostCarrier(start: TSESTree.Node): TSESTree.Node {
  let node = start;
  for (;;) {
    const parent = node.parent;
    if (!parent) return node;
    if (isTypeWrapperOf(parent, node)) {
      node = parent;
    } else if (parent.type === AST_NODE_TYPES.Property && parent.value === node && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
      node = parent.parent;
    } else if (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test !== node) {
      // `err instanceof Error ? err.message : String(err)`
      node = parent;
    } else if (
      parent.type === AST_NODE_TYPES.ArrayExpression ||
      parent.type === AST_NODE_TYPES.LogicalExpression ||
      parent.type === AST_NODE_TYPES.TemplateLiteral ||
      (parent.type === AST_NODE_TYPES.BinaryExpression && parent.operator === '+')
    ) {
      node = parent;
    } else if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments[0] === node && isStringifier(parent.callee)) {
      node = parent;
    } else {
      return node;
    }
  }
}

function isStringifier(callee: TSESTree.Node): boolean {
  const inner = skipTypeWrappers(callee);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name === 'String';
  return (
    inner.type === AST_NODE_TYPES.MemberExpression &&
    inner.object.type === AST_NODE_TYPES.Identifier &&
    inner.object.name === 'JSON' &&
    staticMemberName(inner) === 'stringify'
  );
}

/** Whether `value` becomes (part of) an HTTP response body. */
function isResponseSink(sourceCode: Readonly<TSESLint.SourceCode>, value: TSESTree.Node): boolean {
  const parent = value.parent;
  if (!parent) return false;
  if (parent.type === AST_NODE_TYPES.ReturnStatement || (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === value)) {
    // `export async function loader() { ... return { error: e.message } }`: React Router sends it as data.
    return isRouteHandlerReturn(parent);
  }
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(value as TSESTree.CallExpressionArgument)) {
    const callee = skipTypeWrappers(parent.callee);
    if (callee.type === AST_NODE_TYPES.Identifier && isImportedResponseHelper(sourceCode, callee)) return true;
  }
  if (parent.type === AST_NODE_TYPES.NewExpression) {
    return parent.arguments.includes(value as TSESTree.CallExpressionArgument) && isNamed(parent.callee, RESPONSE_CLASSES);
  }
  if (parent.type === AST_NODE_TYPES.AssignmentExpression) {
    // Koa: ctx.body = ..., ctx.response.body = ...
    return (
      parent.right === value &&
      parent.left.type === AST_NODE_TYPES.MemberExpression &&
      staticMemberName(parent.left) === 'body' &&
      CONTEXT_NAMES.test(rootName(parent.left.object) ?? '')
    );
  }
  if (parent.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(value as TSESTree.CallExpressionArgument)) {
    return false;
  }
  const callee = skipTypeWrappers(parent.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const method = staticMemberName(callee);
  if (method === undefined) return false;
  const object = skipTypeWrappers(callee.object);
  if (method === 'json' && isNamed(object, RESPONSE_CLASSES)) return true;
  const root = rootName(object);
  if (root === undefined) return false;
  return (NODE_RESPONSE_METHODS.has(method) && NODE_RESPONSE_NAMES.test(root)) || (CONTEXT_RESPONSE_METHODS.has(method) && CONTEXT_NAMES.test(root));
}

/** `json` / `data` imported from Remix, React Router or SvelteKit (under any local name). */
function isImportedResponseHelper(sourceCode: Readonly<TSESLint.SourceCode>, callee: TSESTree.Identifier): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(callee), callee.name);
  return (variable?.defs ?? []).some((definition) => {
    if (definition.type !== 'ImportBinding' || definition.node.type !== AST_NODE_TYPES.ImportSpecifier) return false;
    const declaration = definition.node.parent;
    const imported = definition.node.imported;
    const importedName = imported.type === AST_NODE_TYPES.Identifier ? imported.name : String(imported.value);
    return declaration.type === AST_NODE_TYPES.ImportDeclaration && RESPONSE_HELPER_MODULES.get(declaration.source.value)?.has(importedName) === true;
  });
}

/** A `return` (or arrow body) of an exported `loader` / `action` of a route module. */
function isRouteHandlerReturn(from: TSESTree.Node): boolean {
  let fn: TSESTree.Node | undefined = from;
  while (fn && !isFunctionNode(fn)) fn = fn.parent;
  if (!fn) return false;
  const parent = fn.parent;
  // export async function loader() {}
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration) {
    return fn.id !== null && ROUTE_HANDLER_EXPORTS.has(fn.id.name) && parent?.type === AST_NODE_TYPES.ExportNamedDeclaration;
  }
  // export const action = async () => {}
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier && ROUTE_HANDLER_EXPORTS.has(parent.id.name)) {
    return parent.parent.parent?.type === AST_NODE_TYPES.ExportNamedDeclaration;
  }
  return false;
}

const STATUS_METHODS: ReadonlySet<string> = new Set(['status', 'code', 'sendStatus', 'writeHead']);

function isClientErrorStatus(node: TSESTree.Node | undefined): boolean {
  const value = node && skipTypeWrappers(node);
  return value?.type === AST_NODE_TYPES.Literal && typeof value.value === 'number' && value.value >= 400 && value.value < 500;
}

/** `{ status: 400 }` or `400` as a response init. */
function isClientErrorInit(node: TSESTree.Node | undefined): boolean {
  if (!node) return false;
  const value = skipTypeWrappers(node);
  if (isClientErrorStatus(value)) return true;
  if (value.type !== AST_NODE_TYPES.ObjectExpression) return false;
  return value.properties.some(
    (property) =>
      property.type === AST_NODE_TYPES.Property &&
      !property.computed &&
      property.key.type === AST_NODE_TYPES.Identifier &&
      property.key.name === 'status' &&
      isClientErrorStatus(property.value),
  );
}

/**
 * The body goes out with a literal 4xx status: `res.status(400).json(body)`, `reply.code(422).send(body)`,
 * `reply.code(400); reply.send(body)`, `Response.json(body, { status: 400 })`, `c.json(body, 400)`,
 * `json(body, { status: 400 })`, `new Response(body, { status: 400 })`.
 */
function sentWithClientErrorStatus(value: TSESTree.Node): boolean {
  const call = value.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression && call?.type !== AST_NODE_TYPES.NewExpression) return false;
  if (call.arguments[0] === value && isClientErrorInit(call.arguments[1])) return true;
  if (call.type !== AST_NODE_TYPES.CallExpression) return false;
  let current: TSESTree.Node = skipTypeWrappers(call.callee);
  while (current.type === AST_NODE_TYPES.MemberExpression || current.type === AST_NODE_TYPES.CallExpression) {
    if (current.type === AST_NODE_TYPES.CallExpression) {
      const name = trailingName(current.callee);
      if (name !== undefined && STATUS_METHODS.has(name) && isClientErrorStatus(current.arguments[0])) return true;
      current = skipTypeWrappers(current.callee);
    } else {
      current = skipTypeWrappers(current.object);
    }
  }
  // `reply.code(400)` as an earlier statement of the same block, on the same response object.
  const root = current.type === AST_NODE_TYPES.Identifier ? current.name : undefined;
  let statement: TSESTree.Node | undefined = call;
  while (statement && statement.parent && statement.parent.type !== AST_NODE_TYPES.BlockStatement) statement = statement.parent;
  const block = statement?.parent;
  if (root === undefined || block?.type !== AST_NODE_TYPES.BlockStatement) return false;
  for (const earlier of block.body) {
    if (earlier === statement) break;
    if (earlier.type !== AST_NODE_TYPES.ExpressionStatement) continue;
    const expression = skipTypeWrappers(earlier.expression);
    if (
      expression.type === AST_NODE_TYPES.CallExpression &&
      STATUS_METHODS.has(trailingName(expression.callee) ?? '') &&
      isClientErrorStatus(expression.arguments[0]) &&
      expression.callee.type === AST_NODE_TYPES.MemberExpression &&
      rootName(expression.callee.object) === root
    ) {
      return true;
    }
  }
  return false;
}

/** `reply.send(err)` / `reply.code(500).send(err)`: Fastify's error path, like `throw err`. */
function isFastifyErrorPath(value: TSESTree.Node): boolean {
  const call = value.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments.length !== 1 || call.arguments[0] !== value) return false;
  const callee = skipTypeWrappers(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression && staticMemberName(callee) === 'send' && rootName(callee.object) === 'reply';
}

function isNamed(node: TSESTree.Node, names: ReadonlySet<string>): boolean {
  return node.type === AST_NODE_TYPES.Identifier && names.has(node.name);
}

/** `res` for `res`, `res.status(500)`, `this.res`, `reply.code(500).header(...)`. */
function rootName(node: TSESTree.Node): string | undefined {
  let current = skipTypeWrappers(node);
  for (;;) {
    if (current.type === AST_NODE_TYPES.Identifier) return current.name;
    if (current.type === AST_NODE_TYPES.CallExpression) {
      current = skipTypeWrappers(current.callee);
    } else if (current.type === AST_NODE_TYPES.MemberExpression) {
      if (current.object.type === AST_NODE_TYPES.ThisExpression) return staticMemberName(current);
      current = skipTypeWrappers(current.object);
    } else {
      return undefined;
    }
  }
}

/**
 * Inside `if (err instanceof AppError) { ... }` / `if (err.expose)`, or after
 * `if (!(err instanceof AppError)) return ...;`, the error is one meant for clients.
 */
function isGuarded(start: TSESTree.Node, errorName: string, safeClasses: ReadonlySet<string>): boolean {
  let child: TSESTree.Node = start;
  for (let node = start.parent; node; child = node, node = node.parent) {
    if (node.type === AST_NODE_TYPES.IfStatement && node.consequent === child && isSafeTest(node.test, errorName, safeClasses)) {
      return true;
    }
    if (node.type === AST_NODE_TYPES.ConditionalExpression && node.consequent === child && isSafeTest(node.test, errorName, safeClasses)) {
      return true;
    }
    if (node.type === AST_NODE_TYPES.BlockStatement || node.type === AST_NODE_TYPES.Program) {
      const index = (node.body as TSESTree.Node[]).indexOf(child);
      for (const earlier of (node.body as TSESTree.Node[]).slice(0, Math.max(index, 0))) {
        if (
          earlier.type === AST_NODE_TYPES.IfStatement &&
          !earlier.alternate &&
          earlier.test.type === AST_NODE_TYPES.UnaryExpression &&
          earlier.test.operator === '!' &&
          isSafeTest(earlier.test.argument, errorName, safeClasses) &&
          alwaysExits(earlier.consequent)
        ) {
          return true;
        }
      }
    }
    if (isFunctionNode(node)) return false;
  }
  return false;
}

function isSafeTest(test: TSESTree.Node, errorName: string, safeClasses: ReadonlySet<string>): boolean {
  const node = skipTypeWrappers(test);
  if (node.type === AST_NODE_TYPES.LogicalExpression && node.operator === '&&') {
    return isSafeTest(node.left, errorName, safeClasses) || isSafeTest(node.right, errorName, safeClasses);
  }
  if (node.type === AST_NODE_TYPES.BinaryExpression && node.operator === 'instanceof') {
    const className = trailingName(node.right);
    return isErrorRef(node.left, errorName) && className !== undefined && safeClasses.has(className);
  }
  if (node.type === AST_NODE_TYPES.BinaryExpression && (node.operator === '===' || node.operator === '==')) {
    return isExposeFlag(node.left, errorName) && node.right.type === AST_NODE_TYPES.Literal && node.right.value === true;
  }
  return isExposeFlag(node, errorName);
}

function isExposeFlag(node: TSESTree.Node, errorName: string): boolean {
  const inner = skipTypeWrappers(node);
  return inner.type === AST_NODE_TYPES.MemberExpression && staticMemberName(inner) === 'expose' && isErrorRef(inner.object, errorName);
}

function isErrorRef(node: TSESTree.Node, errorName: string): boolean {
  const inner = skipTypeWrappers(node);
  return inner.type === AST_NODE_TYPES.Identifier && inner.name === errorName;
}

function alwaysExits(statement: TSESTree.Statement): boolean {
  if (statement.type === AST_NODE_TYPES.ReturnStatement || statement.type === AST_NODE_TYPES.ThrowStatement) return true;
  if (statement.type === AST_NODE_TYPES.BlockStatement) {
    const last = statement.body.at(-1);
    return last !== undefined && alwaysExits(last);
  }
  return false;
}
