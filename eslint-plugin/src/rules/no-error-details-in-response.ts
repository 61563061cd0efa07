import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
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
      if (!isResponseSink(carrier)) return;
      if (detail !== 'stack' && isGuarded(carrier, errorName, safeClasses)) return;
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
function isResponseSink(value: TSESTree.Node): boolean {
  const parent = value.parent;
  if (!parent) return false;
  if (parent.type === AST_NODE_TYPES.NewExpression) {
    return parent.arguments.includes(value as TSESTree.CallExpressionArgument) && isNamed(parent.callee, RESPONSE_CLASSES);
  }
  if (parent.type === AST_NODE_TYPES.AssignmentExpression) {
    // Koa: ctx.body = ..., ctx.response.body = ...
    return parent.right === value && parent.left.type === AST_NODE_TYPES.MemberExpression &&
      staticMemberName(parent.left) === 'body' && CONTEXT_NAMES.test(rootName(parent.left.object) ?? '');
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
  return (
    (NODE_RESPONSE_METHODS.has(method) && NODE_RESPONSE_NAMES.test(root)) ||
    (CONTEXT_RESPONSE_METHODS.has(method) && CONTEXT_NAMES.test(root))
  );
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
function isGuarded(sink: TSESTree.Node, errorName: string, safeClasses: ReadonlySet<string>): boolean {
  let child: TSESTree.Node = sink;
  for (let node = sink.parent; node; child = node, node = node.parent) {
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
