import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import {
  callWithSoleArgument,
  isFunctionNode,
  isTypeWrapperOf,
  skipTypeWrappers,
  staticMemberName,
  trailingName,
  walk,
  type FunctionNode,
} from '../util/ast.js';
import { mentions } from '../util/source-text.js';
import { endsStatement, indentationOf, lineBreakOf, rangeWithParentheses } from '../util/splice.js';

export interface NoSwallowedErrorOptions {
  /**
   * Calls whose failure is an expected answer, not an error worth keeping: a `try` made only of
   * them may drop the error. `new X` entries match constructor calls.
   * Default: JSON.parse, new URL, decodeURIComponent, decodeURI, BigInt.
   */
  ignoreCalls?: string[];
}

type SourceCode = Readonly<TSESLint.SourceCode>;
type MessageIds = 'swallowedError' | 'loggedWithoutError' | 'rethrow' | 'logError' | 'passErrorToLog';

const DEFAULT_IGNORE_CALLS = ['JSON.parse', 'new URL', 'decodeURIComponent', 'decodeURI', 'BigInt'];
const NAME_CANDIDATES = ['error', 'err', 'caughtError', 'cause'];
/** Methods of a logger that write a record. */
const LOG_METHODS: ReadonlySet<string> = new Set(['error', 'warn', 'warning', 'info', 'log', 'debug', 'trace', 'fatal', 'critical', 'notice', 'verbose']);
/** `console`, `logger`, `this.log`, `req.log`, `requestLogger`, `auditLog`. */
const LOGGER_NAME = /^(?:console|logger|log|logging)$|(?:Log|Logger|_log|_logger)$/;
/** Stand-alone logging functions. */
const LOG_FUNCTIONS: ReadonlySet<string> = new Set(['log', 'logError', 'logWarning', 'logWarn', 'warn', 'debug']);
/** Calls that end the current path with a failure, as a `throw` does: `assert.fail()`, `reject(...)`, `process.exit(1)`. */
const FAILING_CALLS: ReadonlySet<string> = new Set(['die', 'dieMessage', 'reject', 'exit', 'unreachable']);
/** `t.fail()`, `this.failure()`, `onFailure(...)`, `failWebsocketConnection(...)`. */
const FAILING_NAME = /fail/i;
/** Callees whose function argument runs later, with nobody to catch what it throws. */
const DETACHED_CALLBACK_REGISTRARS: ReadonlySet<string> = new Set([
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'nextTick',
  'requestAnimationFrame',
  'on',
  'once',
  'addListener',
  'addEventListener',
  'prependListener',
  'subscribe',
  'then',
  'catch',
  'finally',
]);
/**
 * Releasing something the code is done with (`reader.cancel()`, `fs.unlinkSync(tmp)`,
 * `socket.destroy()`): a failure leaves nothing to act on, so best-effort cleanup may drop it.
 */
const CLEANUP_CALLS: ReadonlySet<string> = new Set([
  'close',
  'destroy',
  'cancel',
  'abort',
  'end',
  'unlink',
  'unlinkSync',
  'rm',
  'rmSync',
  'rmdir',
  'rmdirSync',
  'release',
  'disconnect',
  'quit',
  'terminate',
  'kill',
  'dispose',
  'removeListener',
  'off',
  'removeEventListener',
  'unref',
  'unsubscribe',
  'return',
  'closeSync',
  'cancelAnimationFrame',
]);
/**
 * Route registrations: a rethrow from an async Express 4 handler is an unhandled rejection (Express 5,
 * Fastify and Hono would pass it to the error handler; the rule cannot tell which it is).
 */
const ROUTE_REGISTRARS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'head', 'options', 'route']);
/** Names of a wait before the next attempt of a retry loop. */
const WAIT_NAME = /sleep|wait|delay|backoff|setTimeout/i;
/** `res.status(400).json(...)`: the failure becomes the answer to the request. */
const RESPONSE_ROOT = /^(?:res|response|reply|ctx|context|c)$/;
const RESPONSE_METHODS: ReadonlySet<string> = new Set(['status', 'sendStatus', 'code', 'json', 'send', 'redirect', 'end', 'text', 'html']);

export default createRule<[NoSwallowedErrorOptions], MessageIds>({
  name: 'no-swallowed-error',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow `catch` blocks and `.catch()` handlers that drop the error without a word',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          ignoreCalls: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Calls (`JSON.parse`, `new URL`) whose failure a try block may silently turn into a fallback.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ ignoreCalls: DEFAULT_IGNORE_CALLS }],
    messages: {
      swallowedError:
        'This {{handler}} drops the error: the failure disappears without a trace. Use the error (log it, wrap it, return it), rethrow it, or say in a comment why dropping it is right.',
      loggedWithoutError:
        'This {{handler}} logs a message but drops the error: the log says something failed, not what or where. Pass the error to the log call.',
      rethrow: 'Rethrow the error.',
      logError: 'Log the error with `{{logger}}.error`.',
      passErrorToLog: 'Pass the error to `{{call}}`.',
    },
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    if (!mentions(sourceCode, 'catch')) return {};
    const ignoreCalls = new Set(options.ignoreCalls ?? DEFAULT_IGNORE_CALLS);

    function checkCatchClause(node: TSESTree.CatchClause): void {
      const { param, body } = node;
      if (param && isUsed(sourceCode, node, param)) return;
      if (sourceCode.getCommentsInside(body).length > 0 || hasCommentAroundTry(sourceCode, node)) return;
      if (endsInFailure(sourceCode, body)) return;
      const tryBlock = node.parent.block;
      if (onlyIgnoredCalls(tryBlock, ignoreCalls) || expectsThrow(tryBlock)) return;
      const log = logCallWithoutError(sourceCode, body);
      // A 5xx answer is no fallback: the failure was unexpected and its cause is gone.
      if (!log && (onlyCleanup(tryBlock) || (isFallback(sourceCode, body, node) && !answersServerError(sourceCode, body)))) return;
      const keyword = sourceCode.getFirstToken(node) ?? node;
      const bind = (fixer: TSESLint.RuleFixer, name: string) => fixer.insertTextAfter(keyword, ` (${name})`);
      const name = errorName(sourceCode, param, body);
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      if (name !== undefined) {
        suggest.push(logSuggestion(sourceCode, node, log, param, name, bind, (fixer, statement) => prependToBlock(sourceCode, fixer, body, statement)));
        if (isRethrowSafe(node)) {
          suggest.push({
            messageId: 'rethrow',
            fix: (fixer) => [...(param ? [] : [bind(fixer, name)]), insertThrow(sourceCode, fixer, body, name)],
          });
        }
      }
      context.report({
        node: keyword,
        messageId: log ? 'loggedWithoutError' : 'swallowedError',
        data: { handler: '`catch` block' },
        suggest,
      });
    }

    /** `promise.catch(handler)`: the handler is the call's only argument. */
    function checkCatchHandler(handler: FunctionNode): void {
      if (handler.params.length > 1) return;
      const node = callWithSoleArgument(handler);
      if (!node) return;
      const callee = skipTypeWrappers(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression || staticMemberName(callee) !== 'catch') return;
      const param = handler.params[0];
      if (param && isUsed(sourceCode, handler, param)) return;
      if (sourceCode.getCommentsInside(handler.body).length > 0 || hasAdjacentComment(sourceCode, node)) return;
      if (endsInFailure(sourceCode, handler.body)) return;
      const log = logCallWithoutError(sourceCode, handler.body);
      // `const body = await res.text().catch(() => '')`: the handler supplies the value the caller uses.
      if (!log && isConsumed(node) && yieldsValue(handler)) return;
      // `reader.cancel().catch(() => {})`: best-effort cleanup. `p.catch(() => {}); return p;`:
      // only marks `p` handled, its failure still reaches whoever uses `p`.
      if (!log && (isCleanupCall(callee.object) || isStillUsedElsewhere(sourceCode, callee.object, node))) return;
      const name = errorName(sourceCode, param, handler.body);
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      if (name !== undefined) {
        // No rethrow: from a handler whose promise nobody awaits it becomes an unhandled
        // rejection, which ends the process; where the promise is awaited, removing the
        // handler is the same change and needs no suggestion.
        suggest.push(
          logSuggestion(
            sourceCode,
            handler,
            log,
            param,
            name,
            (fixer, bound) => addParameter(sourceCode, fixer, handler, bound),
            (fixer, statement) => prependToHandler(sourceCode, fixer, handler, statement),
          ),
        );
      }
      context.report({
        node: callee.property,
        messageId: log ? 'loggedWithoutError' : 'swallowedError',
        data: { handler: '`.catch()` handler' },
        suggest,
      });
    }

    return {
      CatchClause: checkCatchClause,
      // From the handler up, not from every call down: there are several times fewer functions than calls.
      ArrowFunctionExpression: checkCatchHandler,
      FunctionExpression: checkCatchHandler,
    };
  },
});

/** Whether any name bound by `param` is read. Bindings are declared on the catch clause or function. */
function isUsed(sourceCode: SourceCode, owner: TSESTree.CatchClause | FunctionNode, param: TSESTree.Node): boolean {
  const [start, end] = param.range;
  return sourceCode
    .getDeclaredVariables(owner)
    .filter((variable) => variable.identifiers.some((id) => id.range[0] >= start && id.range[1] <= end))
    .some((variable) => variable.references.some((reference) => !reference.init));
}

function isComment(token: TSESTree.Token | null | undefined): boolean {
  return token?.type === 'Line' || token?.type === 'Block';
}

/**
 * The statement `node` belongs to, for comments "on the statement": climbs expressions and
 * declarations (`const x = await p.catch(...)` is the `const` statement), and statements that
 * start on the same line (`if (ok) p.catch(() => {});`).
 */
function statementOf(node: TSESTree.Node): TSESTree.Node {
  let statement: TSESTree.Node = node;
  while (statement.parent && !isStatementLike(statement)) statement = statement.parent;
  while (
    statement.parent &&
    statement.parent.type !== AST_NODE_TYPES.Program &&
    statement.parent.type !== AST_NODE_TYPES.BlockStatement &&
    statement.parent.type !== AST_NODE_TYPES.SwitchCase &&
    isStatementLike(statement.parent) &&
    statement.parent.loc.start.line === statement.loc.start.line
  ) {
    statement = statement.parent;
  }
  return statement;
}

function isStatementLike(node: TSESTree.Node): boolean {
  return node.type.endsWith('Statement') || node.type.endsWith('Declaration') || node.type === AST_NODE_TYPES.PropertyDefinition;
}

/** A comment on the line above `statement` (or before it on its line), or after it on its last line. */
function hasCommentAt(sourceCode: SourceCode, statement: TSESTree.Node): boolean {
  const before = sourceCode.getTokenBefore(statement, { includeComments: true });
  const after = sourceCode.getTokenAfter(statement, { includeComments: true });
  return (isComment(before) && before!.loc.end.line >= statement.loc.start.line - 1) || (isComment(after) && after!.loc.start.line === statement.loc.end.line);
}

/**
 * `p.catch(() => undefined); // late failures have nobody to report to`: an expression-bodied
 * handler has no inside to comment, so a comment on the statement's last line, on the line just
 * above it, or inside the call explains it as well.
 */
function hasAdjacentComment(sourceCode: SourceCode, call: TSESTree.CallExpression): boolean {
  return sourceCode.getCommentsInside(call).length > 0 || hasCommentAt(sourceCode, statementOf(call));
}

/**
 * A comment just above the `try` (or the statement it starts), at the end of the `try` block
 * just before `catch`, or after the catch block on its last line explains the catch.
 */
function hasCommentAroundTry(sourceCode: SourceCode, clause: TSESTree.CatchClause): boolean {
  const tryStatement = clause.parent;
  if (hasCommentAt(sourceCode, statementOf(tryStatement))) return true;
  const closingBrace = sourceCode.getLastToken(tryStatement.block);
  if (closingBrace && isComment(sourceCode.getTokenBefore(closingBrace, { includeComments: true }))) return true;
  const afterCatch = sourceCode.getTokenAfter(clause, { includeComments: true });
  return isComment(afterCatch) && afterCatch!.loc.start.line === clause.loc.end.line;
}

/** Runs `visit` on every node of `root` that runs when `root` runs (not inside nested functions). */
function walkOwn(sourceCode: SourceCode, root: TSESTree.Node, visit: (node: TSESTree.Node) => void): void {
  walk(root, sourceCode.visitorKeys, (node) => {
    if (!isInsideNestedFunction(node, root)) visit(node);
  });
}

function isInsideNestedFunction(node: TSESTree.Node, root: TSESTree.Node): boolean {
  if (node === root) return false;
  if (isFunctionNode(node)) return true;
  for (let current = node.parent; current && current !== root; current = current.parent) {
    if (isFunctionNode(current)) return true;
  }
  return false;
}

/** A `throw`, or a call that fails as one does (`assert.fail()`, `reject(e)`, `next(new HttpError(400))`). */
function endsInFailure(sourceCode: SourceCode, body: TSESTree.Node): boolean {
  let found = false;
  walkOwn(sourceCode, body, (node) => {
    if (found) return;
    if (node.type === AST_NODE_TYPES.ThrowStatement) found = true;
    else if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) {
      const name = trailingName(node.callee);
      if (node.type === AST_NODE_TYPES.CallExpression && name !== undefined && (FAILING_CALLS.has(name) || FAILING_NAME.test(name))) found = true;
      else if (node.type === AST_NODE_TYPES.CallExpression && node.arguments.some(isNewError)) found = true;
    }
  });
  return found;
}

function isNewError(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  if (value.type !== AST_NODE_TYPES.NewExpression) return false;
  const name = trailingName(value.callee);
  // `new AppError(...)`, `new FST_ERR_CTP_INVALID_JSON_BODY()`, `new HttpException(400)`.
  return name !== undefined && /err|exception/i.test(name);
}

/** `try { parse(x); t.fail('should have thrown') } catch { ... }`: a test that expects the throw. */
function expectsThrow(block: TSESTree.BlockStatement): boolean {
  return block.body.some((statement) => {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
    const expression = skipTypeWrappers(statement.expression);
    const call = expression.type === AST_NODE_TYPES.AwaitExpression ? skipTypeWrappers(expression.argument) : expression;
    return call.type === AST_NODE_TYPES.CallExpression && trailingName(call.callee) === 'fail';
  });
}

/** A call that writes a log record (`logger.error('failed')`, `console.warn(...)`), outside nested functions. */
function logCallWithoutError(sourceCode: SourceCode, body: TSESTree.Node): TSESTree.CallExpression | undefined {
  let found: TSESTree.CallExpression | undefined;
  walkOwn(sourceCode, body, (node) => {
    if (!found && node.type === AST_NODE_TYPES.CallExpression && isLogCall(node)) found = node;
  });
  return found;
}

function isLogCall(call: TSESTree.CallExpression): boolean {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return LOG_FUNCTIONS.has(callee.name);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const method = staticMemberName(callee);
  const receiver = trailingName(callee.object);
  return method !== undefined && LOG_METHODS.has(method) && receiver !== undefined && LOGGER_NAME.test(receiver);
}

/**
 * The catch turns the failure into an outcome the code goes on with, rather than dropping it:
 * it returns a value (`return false` after a parse, `return Response.json({ error }, { status: 400 })`),
 * records one (`config = {}`, `failed += 1`), skips the item (`continue`), answers the request
 * (`res.status(400).json(...)`), or waits before the next attempt of the loop it is in.
 *
 * An empty value (`null`, `[]`, `false`, ...) standing in for asynchronous work (`await` in the
 * `try`) is not a fallback but a dropped outage: `catch { return [] }` around `await fetch(...)`
 * shows an empty list instead of the failure. An existence check (`await access(p); return true`)
 * answers with a literal in the `try` too, and stays a fallback.
 */
function isFallback(sourceCode: SourceCode, body: TSESTree.BlockStatement, clause: TSESTree.CatchClause): boolean {
  let found = false;
  const inLoop = isInsideLoop(clause);
  let tryReturnsValue = false;
  let tryAwaits = false;
  let tryReturnsOnlyLiterals = true;
  walkOwn(sourceCode, clause.parent.block, (node) => {
    if (node.type === AST_NODE_TYPES.ReturnStatement && node.argument !== null) {
      tryReturnsValue = true;
      if (node.argument.type !== AST_NODE_TYPES.Literal) tryReturnsOnlyLiterals = false;
    }
    if (node.type === AST_NODE_TYPES.AwaitExpression || (node.type === AST_NODE_TYPES.ForOfStatement && node.await)) tryAwaits = true;
  });
  const dropsOutage = (value: TSESTree.Node | null | undefined) =>
    tryAwaits && !(tryReturnsValue && tryReturnsOnlyLiterals) && (value === null || value === undefined || isEmptyValue(value));
  walkOwn(sourceCode, body, (node) => {
    if (found) return;
    switch (node.type) {
      case AST_NODE_TYPES.ReturnStatement:
        // `return;` where the try returns a value is a fallback to `undefined`.
        found = node.argument !== null ? !dropsOutage(node.argument) : tryReturnsValue && !dropsOutage(null);
        break;
      case AST_NODE_TYPES.AssignmentExpression:
        found = node.operator !== '=' || !dropsOutage(node.right);
        break;
      case AST_NODE_TYPES.UpdateExpression:
      case AST_NODE_TYPES.ContinueStatement:
      case AST_NODE_TYPES.BreakStatement:
        found = true;
        break;
      case AST_NODE_TYPES.CallExpression: {
        const name = trailingName(node.callee);
        if (inLoop && name !== undefined && WAIT_NAME.test(name)) found = true;
        else if (isResponseCall(node)) found = true;
        break;
      }
      default:
        break;
    }
  });
  return found;
}

/** `{ status: 500 }`, `res.status(500)`, `reply.code(503)`, `res.sendStatus(500)`, `c.json(body, 500)`. */
function answersServerError(sourceCode: SourceCode, body: TSESTree.Node): boolean {
  let found = false;
  const isServerError = (node: TSESTree.Node | undefined) =>
    node?.type === AST_NODE_TYPES.Literal && typeof node.value === 'number' && node.value >= 500 && node.value < 600;
  walkOwn(sourceCode, body, (node) => {
    if (found) return;
    if (node.type === AST_NODE_TYPES.Property && !node.computed && node.key.type === AST_NODE_TYPES.Identifier) {
      found = (node.key.name === 'status' || node.key.name === 'statusCode') && isServerError(node.value);
    } else if (node.type === AST_NODE_TYPES.CallExpression) {
      const name = trailingName(node.callee);
      found =
        ((name === 'status' || name === 'code' || name === 'sendStatus' || name === 'writeHead') && isServerError(node.arguments[0])) ||
        ((name === 'json' || name === 'text' || name === 'html') && isServerError(node.arguments[1]));
    }
  });
  return found;
}

/** `null`, `undefined`, `void 0`, `false`, `0`, `''`, `[]`, `{}`. */
function isEmptyValue(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  switch (value.type) {
    case AST_NODE_TYPES.Literal:
      return !value.value;
    case AST_NODE_TYPES.Identifier:
      return value.name === 'undefined';
    case AST_NODE_TYPES.UnaryExpression:
      return value.operator === 'void';
    case AST_NODE_TYPES.ArrayExpression:
      return value.elements.length === 0;
    case AST_NODE_TYPES.ObjectExpression:
      return value.properties.length === 0;
    case AST_NODE_TYPES.TemplateLiteral:
      return value.expressions.length === 0 && value.quasis.every((quasi) => quasi.value.cooked === '');
    default:
      return false;
  }
}

/** `try { fs.unlinkSync(tmp) }`, `try { await socket.close() }`: every statement releases something. */
function onlyCleanup(block: TSESTree.BlockStatement): boolean {
  return block.body.length > 0 && block.body.every((statement) => statement.type === AST_NODE_TYPES.ExpressionStatement && isCleanupCall(statement.expression));
}

function isCleanupCall(node: TSESTree.Node): boolean {
  let call = skipTypeWrappers(node);
  if (call.type === AST_NODE_TYPES.AwaitExpression) call = skipTypeWrappers(call.argument);
  if (call.type !== AST_NODE_TYPES.CallExpression) return false;
  const name = trailingName(call.callee);
  if (name === undefined) return false;
  // `writer.close().finally(done)`: the chain's first call decides.
  if ((name === 'finally' || name === 'then') && call.callee.type === AST_NODE_TYPES.MemberExpression) return isCleanupCall(call.callee.object);
  return CLEANUP_CALLS.has(name);
}

/**
 * `promise.catch(() => {}); return promise;`: the handler is attached to `promise` (or to
 * `promise.finally(...)`) only so that a failure nobody awaited yet is not reported as unhandled;
 * the failure still reaches whoever awaits `promise`.
 */
function isStillUsedElsewhere(sourceCode: SourceCode, receiver: TSESTree.Node, catchCall: TSESTree.CallExpression): boolean {
  let root = skipTypeWrappers(receiver);
  while (root.type === AST_NODE_TYPES.CallExpression) {
    const callee = skipTypeWrappers(root.callee);
    const name = callee.type === AST_NODE_TYPES.MemberExpression ? staticMemberName(callee) : undefined;
    if ((name !== 'finally' && name !== 'then') || callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    root = skipTypeWrappers(callee.object);
  }
  if (root.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(root), root.name);
  if (!variable || variable.defs.length === 0) return false;
  const [start, end] = catchCall.range;
  return variable.references.some((reference) => {
    const [at] = reference.identifier.range;
    return reference.isRead() && (at < start || at >= end) && !isCaughtThere(reference.identifier);
  });
}

/** `p.catch(...)` / `p.finally(...).catch(...)`: another fire-and-forget handler, not a use. */
function isCaughtThere(identifier: TSESTree.Node): boolean {
  const member = identifier.parent;
  return member?.type === AST_NODE_TYPES.MemberExpression && member.object === identifier && staticMemberName(member) === 'catch';
}

function isInsideLoop(node: TSESTree.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return false;
    switch (current.type) {
      case AST_NODE_TYPES.ForStatement:
      case AST_NODE_TYPES.ForInStatement:
      case AST_NODE_TYPES.ForOfStatement:
      case AST_NODE_TYPES.WhileStatement:
      case AST_NODE_TYPES.DoWhileStatement:
        return true;
      default:
        break;
    }
  }
  return false;
}

function isResponseCall(call: TSESTree.CallExpression): boolean {
  let current: TSESTree.Node = skipTypeWrappers(call.callee);
  let sawResponseMethod = false;
  while (current.type === AST_NODE_TYPES.MemberExpression || current.type === AST_NODE_TYPES.CallExpression) {
    if (current.type === AST_NODE_TYPES.MemberExpression) {
      const method = staticMemberName(current);
      if (method !== undefined && RESPONSE_METHODS.has(method)) sawResponseMethod = true;
      current = skipTypeWrappers(current.object);
    } else {
      current = skipTypeWrappers(current.callee);
    }
  }
  return sawResponseMethod && current.type === AST_NODE_TYPES.Identifier && RESPONSE_ROOT.test(current.name);
}

/**
 * Whether the promise `.catch()` returns is used: assigned, returned, awaited into a value,
 * passed on. A `.catch()` statement, `void p.catch()`, `await p.catch()` as a statement and the
 * body of a timer or listener callback are fire-and-forget.
 */
function isConsumed(call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node | undefined = node.parent;
    if (!parent) return false;
    if (isTypeWrapperOf(parent, node)) {
      node = parent;
      continue;
    }
    switch (parent.type) {
      case AST_NODE_TYPES.ExpressionStatement:
        return false;
      case AST_NODE_TYPES.UnaryExpression:
        if (parent.operator === 'void') return false;
        return true;
      case AST_NODE_TYPES.AwaitExpression:
        node = parent;
        continue;
      case AST_NODE_TYPES.SequenceExpression:
        if (parent.expressions.at(-1) !== node) return false;
        node = parent;
        continue;
      case AST_NODE_TYPES.MemberExpression:
        // `p.catch(...).finally(...)`: the chain decides.
        if (parent.object === node && parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
          node = parent.parent;
          continue;
        }
        return true;
      case AST_NODE_TYPES.ArrowFunctionExpression:
        return !isDetachedCallback(parent);
      default:
        return true;
    }
  }
}

/** A function passed to a timer, a listener registration or a promise callback: what it throws reaches nobody. */
function isDetachedCallback(fn: FunctionNode): boolean {
  let node: TSESTree.Node = fn;
  while (node.parent && isTypeWrapperOf(node.parent, node)) node = node.parent;
  const call = node.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(node as TSESTree.CallExpressionArgument)) return false;
  const name = trailingName(call.callee);
  return name !== undefined && DETACHED_CALLBACK_REGISTRARS.has(name);
}

/** An expression body (`() => ''`, `() => ({})`) or a block that returns a value. */
function yieldsValue(handler: FunctionNode): boolean {
  if (handler.body.type !== AST_NODE_TYPES.BlockStatement) return true;
  return handler.body.body.some((statement) => statement.type === AST_NODE_TYPES.ReturnStatement && statement.argument !== null);
}

/**
 * A rethrow is offered only where it reaches a caller: not inside `finally` (it would replace the
 * error in flight, or turn a successful return into a failure), and not in a timer, listener or
 * promise callback (it would become an uncaught exception or an unhandled rejection).
 */
function isRethrowSafe(clause: TSESTree.CatchClause): boolean {
  let child: TSESTree.Node = clause;
  for (let node: TSESTree.Node | undefined = clause.parent; node; child = node, node = node.parent) {
    if (node.type === AST_NODE_TYPES.TryStatement && node.finalizer === child) return false;
    if (isFunctionNode(node)) return !isDetachedCallback(node) && !isRouteHandler(node);
  }
  return true;
}

function isRouteHandler(fn: FunctionNode): boolean {
  let node: TSESTree.Node = fn;
  while (node.parent && isTypeWrapperOf(node.parent, node)) node = node.parent;
  const call = node.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(node as TSESTree.CallExpressionArgument)) return false;
  const callee = skipTypeWrappers(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression && ROUTE_REGISTRARS.has(staticMemberName(callee) ?? '');
}

/** `try { return JSON.parse(text) }`: every statement is one expected-to-fail call. */
function onlyIgnoredCalls(block: TSESTree.BlockStatement, ignoreCalls: ReadonlySet<string>): boolean {
  if (block.body.length === 0) return false;
  return block.body.every((statement) => {
    switch (statement.type) {
      case AST_NODE_TYPES.ExpressionStatement: {
        const expression = skipTypeWrappers(statement.expression);
        const value = expression.type === AST_NODE_TYPES.AssignmentExpression ? expression.right : expression;
        return isIgnoredCall(value, ignoreCalls);
      }
      case AST_NODE_TYPES.VariableDeclaration:
        return statement.declarations.every((declarator) => declarator.init && isIgnoredCall(declarator.init, ignoreCalls));
      case AST_NODE_TYPES.ReturnStatement:
        return statement.argument !== null && isIgnoredCall(statement.argument, ignoreCalls);
      default:
        return false;
    }
  });
}

function isIgnoredCall(node: TSESTree.Node, ignoreCalls: ReadonlySet<string>): boolean {
  let expression = skipTypeWrappers(node);
  // `decodeURIComponent(key) || key`: the other operands cannot throw.
  if (expression.type === AST_NODE_TYPES.LogicalExpression) {
    const operands = [expression.left, expression.right];
    return (
      operands.some((operand) => isIgnoredCall(operand, ignoreCalls)) &&
      operands.every((operand) => isIgnoredCall(operand, ignoreCalls) || cannotThrow(operand))
    );
  }
  // `new URL(input).pathname`, `JSON.parse(text).items`: reading the result cannot throw
  // anything the call itself does not.
  while (expression.type === AST_NODE_TYPES.MemberExpression) expression = skipTypeWrappers(expression.object);
  if (expression.type === AST_NODE_TYPES.CallExpression) {
    const name = dottedName(expression.callee);
    return name !== undefined && ignoreCalls.has(name);
  }
  if (expression.type === AST_NODE_TYPES.NewExpression) {
    const name = dottedName(expression.callee);
    return name !== undefined && ignoreCalls.has(`new ${name}`);
  }
  return false;
}

function cannotThrow(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  return value.type === AST_NODE_TYPES.Identifier || value.type === AST_NODE_TYPES.Literal;
}

function dottedName(node: TSESTree.Node): string | undefined {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const object = dottedName(inner.object);
    const property = staticMemberName(inner);
    return object !== undefined && property !== undefined ? `${object}.${property}` : undefined;
  }
  return undefined;
}

/** The name the error is (or will be) bound to; none for a destructured error. */
function errorName(sourceCode: SourceCode, param: TSESTree.Node | null | undefined, body: TSESTree.Node): string | undefined {
  if (param) return param.type === AST_NODE_TYPES.Identifier ? param.name : undefined;
  return freeName(sourceCode, body);
}

/** A name for the new binding that does not shadow anything the handler already reads. */
function freeName(sourceCode: SourceCode, body: TSESTree.Node): string | undefined {
  const used = new Set<string>();
  walk(body, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.Identifier) return;
    const parent = node.parent;
    const isPropertyName =
      (parent?.type === AST_NODE_TYPES.MemberExpression && parent.property === node && !parent.computed) ||
      (parent?.type === AST_NODE_TYPES.Property && parent.key === node && !parent.computed && !parent.shorthand);
    if (!isPropertyName) used.add(node.name);
  });
  return NAME_CANDIDATES.find((candidate) => !used.has(candidate));
}

/**
 * The file's logger when one is in scope (`logger` or `log`, declared or imported, and used with a
 * log method somewhere), else the class's `this.logger` (a field or constructor parameter property,
 * NestJS style), else `console`.
 */
function loggerFor(sourceCode: SourceCode, node: TSESTree.Node): string {
  const scope = sourceCode.getScope(node);
  for (const name of ['logger', 'log']) {
    const variable = ASTUtils.findVariable(scope, name);
    if (!variable || variable.defs.length === 0) continue;
    const isImport = variable.defs.some((definition) => definition.type === 'ImportBinding');
    const usedAsLogger = variable.references.some((reference) => {
      const parent = reference.identifier.parent;
      return parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === reference.identifier && LOG_METHODS.has(staticMemberName(parent) ?? '');
    });
    if (isImport || usedAsLogger) return name;
  }
  const field = classLoggerField(node);
  return field ? `this.${field}` : 'console';
}

/** `logger` when the enclosing class declares `logger = ...` or `constructor(private logger: Logger)` and `this` is the instance. */
function classLoggerField(node: TSESTree.Node): string | undefined {
  let classBody: TSESTree.ClassBody | undefined;
  for (let current = node.parent; current; current = current.parent) {
    // A `function` has its own `this`; arrows keep the method's.
    if (current.type === AST_NODE_TYPES.FunctionDeclaration) return undefined;
    if (current.type === AST_NODE_TYPES.FunctionExpression && current.parent?.type !== AST_NODE_TYPES.MethodDefinition) return undefined;
    if (current.type === AST_NODE_TYPES.ClassBody) {
      classBody = current;
      break;
    }
  }
  if (!classBody) return undefined;
  for (const member of classBody.body) {
    if (
      member.type === AST_NODE_TYPES.PropertyDefinition &&
      !member.static &&
      !member.computed &&
      member.key.type === AST_NODE_TYPES.Identifier &&
      member.key.name === 'logger'
    ) {
      return 'logger';
    }
    if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor') {
      for (const param of member.value.params) {
        if (param.type === AST_NODE_TYPES.TSParameterProperty && param.parameter.type === AST_NODE_TYPES.Identifier && param.parameter.name === 'logger') {
          return 'logger';
        }
      }
    }
  }
  return undefined;
}

/**
 * "Pass the error to the log call" when the handler logs without it, else "log the error" with a
 * new call at the start of the handler.
 */
function logSuggestion(
  sourceCode: SourceCode,
  owner: TSESTree.Node,
  log: TSESTree.CallExpression | undefined,
  param: TSESTree.Node | null | undefined,
  name: string,
  bind: (fixer: TSESLint.RuleFixer, name: string) => TSESLint.RuleFix | null,
  prepend: (fixer: TSESLint.RuleFixer, statement: string) => TSESLint.RuleFix | TSESLint.RuleFix[] | null,
): TSESLint.SuggestionReportDescriptor<MessageIds> {
  const withBinding = (fixer: TSESLint.RuleFixer, change: TSESLint.RuleFix | TSESLint.RuleFix[] | null) => {
    if (!change) return null;
    const fixes = Array.isArray(change) ? [...change] : [change];
    if (!param) {
      const binding = bind(fixer, name);
      if (!binding) return null;
      fixes.unshift(binding);
    }
    return fixes;
  };
  if (log) {
    return {
      messageId: 'passErrorToLog',
      data: { call: sourceCode.getText(log.callee) },
      fix: (fixer) => withBinding(fixer, passError(sourceCode, fixer, log, name)),
    };
  }
  const logger = loggerFor(sourceCode, owner);
  return {
    messageId: 'logError',
    data: { logger },
    fix: (fixer) => withBinding(fixer, prepend(fixer, `${logger}.error(${name});`)),
  };
}

/**
 * `console.warn('failed')` → `console.warn('failed', error)`; any other logger takes the
 * pino/bunyan shape, `logger.warn({ err: error }, 'failed')` (an object first argument gains `err`).
 */
function passError(sourceCode: SourceCode, fixer: TSESLint.RuleFixer, call: TSESTree.CallExpression, name: string): TSESLint.RuleFix | null {
  const callee = skipTypeWrappers(call.callee);
  const isConsole = callee.type === AST_NODE_TYPES.MemberExpression && trailingName(callee.object) === 'console';
  const first = call.arguments[0];
  const closing = sourceCode.getLastToken(call);
  if (!first) {
    return closing?.value === ')' ? fixer.insertTextBefore(closing, name) : null;
  }
  if (isConsole || callee.type === AST_NODE_TYPES.Identifier) {
    const last = call.arguments.at(-1)!;
    return fixer.insertTextAfterRange(rangeWithParentheses(sourceCode, last), `, ${name}`);
  }
  const object = skipTypeWrappers(first);
  if (object.type === AST_NODE_TYPES.ObjectExpression) {
    const firstProperty = object.properties[0];
    if (!firstProperty) return fixer.replaceText(object, `{ err: ${name} }`);
    return fixer.insertTextBefore(firstProperty, `err: ${name}, `);
  }
  return fixer.insertTextBeforeRange(rangeWithParentheses(sourceCode, first), `{ err: ${name} }, `);
}

/** Inserts `statement` as the first statement of `block`, on its own line when the block spans lines. */
function prependToBlock(sourceCode: SourceCode, fixer: TSESLint.RuleFixer, block: TSESTree.BlockStatement, statement: string): TSESLint.RuleFix | null {
  const open = sourceCode.getFirstToken(block);
  if (!open) return null;
  const first = block.body[0];
  if (!first) return fixer.replaceText(block, `{ ${statement} }`);
  if (block.loc.start.line === block.loc.end.line) return fixer.insertTextAfter(open, ` ${statement}`);
  if (first.loc.start.line === open.loc.start.line) return fixer.insertTextAfter(open, ` ${statement}`);
  return fixer.insertTextBefore(first, `${statement}${lineBreakOf(sourceCode)}${indentationOf(sourceCode, first)}`);
}

/**
 * The handler's body starts with `statement`; an expression body becomes a block that still
 * returns its value: `() => ({})` → `(error) => { logger.error(error); return ({}); }`.
 */
function prependToHandler(sourceCode: SourceCode, fixer: TSESLint.RuleFixer, handler: FunctionNode, statement: string): TSESLint.RuleFix | null {
  if (handler.body.type === AST_NODE_TYPES.BlockStatement) return prependToBlock(sourceCode, fixer, handler.body, statement);
  const range = rangeWithParentheses(sourceCode, handler.body);
  const value = sourceCode.text.slice(range[0], range[1]);
  return fixer.replaceTextRange(range, `{ ${statement} return ${value}; }`);
}

function insertThrow(sourceCode: SourceCode, fixer: TSESLint.RuleFixer, body: TSESTree.BlockStatement, name: string): TSESLint.RuleFix {
  const statements = body.body;
  const last = statements.at(-1);
  if (!last) return fixer.replaceText(body, `{ throw ${name}; }`);
  // Before a final return/break/continue, which would otherwise skip the rethrow.
  const isJump = last.type === AST_NODE_TYPES.ReturnStatement || last.type === AST_NODE_TYPES.BreakStatement || last.type === AST_NODE_TYPES.ContinueStatement;
  const oneLine = body.loc.start.line === body.loc.end.line;
  const separator = oneLine ? ' ' : `${lineBreakOf(sourceCode)}${indentationOf(sourceCode, last)}`;
  if (isJump) return fixer.insertTextBefore(last, `throw ${name};${separator}`);
  // `catch { h() }`: a statement without a semicolon must be ended before another on its line.
  const terminator = oneLine && !endsStatement(sourceCode, last) ? ';' : '';
  return fixer.insertTextAfter(last, `${terminator}${separator}throw ${name};`);
}

function addParameter(sourceCode: SourceCode, fixer: TSESLint.RuleFixer, handler: FunctionNode, name: string): TSESLint.RuleFix | null {
  const openParen = sourceCode.getFirstToken(handler, { filter: (token) => token.value === '(' });
  // An arrow with no parentheses always has a parameter, so it never needs one added.
  return openParen ? fixer.insertTextAfter(openParen, name) : null;
}
