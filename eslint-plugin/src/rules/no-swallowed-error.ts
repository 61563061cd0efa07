import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import { callWithSoleArgument, isFunctionNode, skipTypeWrappers, staticMemberName, walk, type FunctionNode } from '../util/ast.js';
import { mentions } from '../util/source-text.js';

export interface NoSwallowedErrorOptions {
  /**
   * Calls whose failure is an expected answer, not an error worth keeping: a `try` made only of
   * them may drop the error. `new X` entries match constructor calls.
   * Default: JSON.parse, new URL, decodeURIComponent, decodeURI, BigInt.
   */
  ignoreCalls?: string[];
}

const DEFAULT_IGNORE_CALLS = ['JSON.parse', 'new URL', 'decodeURIComponent', 'decodeURI', 'BigInt'];
const NAME_CANDIDATES = ['error', 'err', 'caughtError', 'cause'];

export default createRule<[NoSwallowedErrorOptions], 'swallowedError' | 'rethrow'>({
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
      rethrow: 'Rethrow the error.',
    },
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    if (!mentions(sourceCode, 'catch')) return {};
    const ignoreCalls = new Set(options.ignoreCalls ?? DEFAULT_IGNORE_CALLS);

    function checkCatchClause(node: TSESTree.CatchClause): void {
      if (isSwallowed(sourceCode, node, node.param, node.body) && !onlyIgnoredCalls(node.parent.block, ignoreCalls)) {
        context.report({
          node: sourceCode.getFirstToken(node) ?? node,
          messageId: 'swallowedError',
          data: { handler: '`catch` block' },
          suggest: suggestRethrow(sourceCode, node.param, node.body, (fixer, name) => {
            const catchKeyword = sourceCode.getFirstToken(node);
            return catchKeyword ? fixer.insertTextAfter(catchKeyword, ` (${name})`) : null;
          }),
        });
      }
    }

    /** `promise.catch(handler)`: the handler is the call's only argument. */
    function checkCatchHandler(handler: FunctionNode): void {
      if (handler.params.length > 1) return;
      const node = callWithSoleArgument(handler);
      if (!node) return;
      const callee = skipTypeWrappers(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression || staticMemberName(callee) !== 'catch') return;
      if (!isSwallowed(sourceCode, handler, handler.params[0], handler.body)) return;
      if (hasAdjacentComment(sourceCode, node)) return;
      context.report({
        node: callee.property,
        messageId: 'swallowedError',
        data: { handler: '`.catch()` handler' },
        suggest: suggestRethrow(sourceCode, handler.params[0], handler.body, (fixer, name) => addParameter(sourceCode, fixer, handler, name)),
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

/** No binding (or an unused one), no `throw`, and no comment explaining why. */
function isSwallowed(
  sourceCode: Readonly<TSESLint.SourceCode>,
  owner: TSESTree.CatchClause | FunctionNode,
  param: TSESTree.Node | null | undefined,
  body: TSESTree.Node,
): boolean {
  if (param && isUsed(sourceCode, owner, param)) return false;
  if (sourceCode.getCommentsInside(body).length > 0) return false;
  return !containsThrow(sourceCode, body);
}

/** Whether any name bound by `param` is read. Bindings are declared on the catch clause or function. */
function isUsed(
  sourceCode: Readonly<TSESLint.SourceCode>,
  owner: TSESTree.CatchClause | FunctionNode,
  param: TSESTree.Node,
): boolean {
  const [start, end] = param.range;
  return sourceCode
    .getDeclaredVariables(owner)
    .filter((variable) => variable.identifiers.some((id) => id.range[0] >= start && id.range[1] <= end))
    .some((variable) => variable.references.some((reference) => !reference.init));
}

/**
 * `p.catch(() => undefined); // late failures have nobody to report to`: an expression-bodied
 * handler has no inside to comment, so a comment on the statement's last line, or on the line
 * just above it, explains it as well.
 */
function hasAdjacentComment(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): boolean {
  let statement: TSESTree.Node = call;
  while (statement.parent && !statement.parent.type.endsWith('Statement') && statement.parent.type !== AST_NODE_TYPES.Program) {
    statement = statement.parent;
  }
  const owner = statement.parent && statement.parent.type !== AST_NODE_TYPES.Program ? statement.parent : statement;
  const after = sourceCode.getTokenAfter(owner, { includeComments: true });
  const before = sourceCode.getTokenBefore(owner, { includeComments: true });
  const isComment = (token: TSESTree.Token | null): boolean => token?.type === 'Line' || token?.type === 'Block';
  return (
    (isComment(after) && after!.loc.start.line === owner.loc.end.line) ||
    (isComment(before) && before!.loc.end.line === owner.loc.start.line - 1) ||
    sourceCode.getCommentsInside(call).length > 0
  );
}

/** A `throw` that runs as part of this handler (not one inside a nested function). */
function containsThrow(sourceCode: Readonly<TSESLint.SourceCode>, body: TSESTree.Node): boolean {
  let found = false;
  walk(body, sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.ThrowStatement && !isInsideNestedFunction(node, body)) found = true;
  });
  return found;
}

function isInsideNestedFunction(node: TSESTree.Node, root: TSESTree.Node): boolean {
  for (let current = node.parent; current && current !== root; current = current.parent) {
    if (isFunctionNode(current)) return true;
  }
  return false;
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

function suggestRethrow(
  sourceCode: Readonly<TSESLint.SourceCode>,
  param: TSESTree.Node | null | undefined,
  body: TSESTree.Node,
  bindParameter: (fixer: TSESLint.RuleFixer, name: string) => TSESLint.RuleFix | null,
): TSESLint.SuggestionReportDescriptor<'rethrow'>[] {
  // A destructured error cannot be rethrown as it was caught.
  if (param && param.type !== AST_NODE_TYPES.Identifier) return [];
  const name = param ? param.name : freeName(sourceCode, body);
  if (name === undefined) return [];
  return [
    {
      messageId: 'rethrow',
      fix: (fixer) => {
        const fixes: TSESLint.RuleFix[] = [];
        if (!param) {
          const binding = bindParameter(fixer, name);
          if (!binding) return null;
          fixes.push(binding);
        }
        fixes.push(insertThrow(sourceCode, fixer, body, name));
        return fixes;
      },
    },
  ];
}

/** A name for the new binding that does not shadow anything the handler already reads. */
function freeName(sourceCode: Readonly<TSESLint.SourceCode>, body: TSESTree.Node): string | undefined {
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

function insertThrow(
  sourceCode: Readonly<TSESLint.SourceCode>,
  fixer: TSESLint.RuleFixer,
  body: TSESTree.Node,
  name: string,
): TSESLint.RuleFix {
  if (body.type !== AST_NODE_TYPES.BlockStatement) {
    // `.catch(() => fallback)`: the fallback value is what the rethrow replaces.
    return fixer.replaceText(body, `{ throw ${name}; }`);
  }
  const statements = body.body;
  const last = statements.at(-1);
  if (!last) return fixer.replaceText(body, `{ throw ${name}; }`);
  // Before a final return/break/continue, which would otherwise skip the rethrow.
  const isJump =
    last.type === AST_NODE_TYPES.ReturnStatement ||
    last.type === AST_NODE_TYPES.BreakStatement ||
    last.type === AST_NODE_TYPES.ContinueStatement;
  const anchor = isJump ? last : undefined;
  const separator = body.loc.start.line === body.loc.end.line ? ' ' : `\n${' '.repeat(last.loc.start.column)}`;
  if (anchor) return fixer.insertTextBefore(anchor, `throw ${name};${separator}`);
  return fixer.insertTextAfter(last, `${separator}throw ${name};`);
}

function addParameter(
  sourceCode: Readonly<TSESLint.SourceCode>,
  fixer: TSESLint.RuleFixer,
  handler: FunctionNode,
  name: string,
): TSESLint.RuleFix | null {
  const openParen = sourceCode.getFirstToken(handler, { filter: (token) => token.value === '(' });
  // An arrow with no parentheses always has a parameter, so it never needs one added.
  return openParen ? fixer.insertTextAfter(openParen, name) : null;
}
