import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { staticMemberName } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';
import { mentionsAny } from '../util/source-text.js';

export interface RequireIntervalCleanupOptions {
  /** Functions that start a repeating timer and return its handle. Default: `['setInterval']`. */
  functions?: string[];
}

type MessageIds = 'discardedHandle';

const DEFAULT_FUNCTIONS = ['setInterval'];

/** Objects whose `setInterval` property is the global one. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
/** Node's callback timers: the same `setInterval` as the global, only imported. */
const CALLBACK_TIMER_MODULES = new Set(['timers', 'node:timers']);
/**
 * `timers/promises` exports an async-iterator `setInterval` stopped by its AbortSignal, not by a
 * handle, so discarding its return value is a different (and already visible) problem.
 */
const PROMISE_TIMER_MODULES = new Set(['timers/promises', 'node:timers/promises']);

/** `.unref()` and `.ref()` return the timer itself, so the handle survives them. */
const HANDLE_PRESERVING_METHODS = new Set(['unref', 'ref']);

export default createRule<[RequireIntervalCleanupOptions], MessageIds>({
  name: 'require-interval-cleanup',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require keeping the handle of `setInterval` so the timer can be cleared at shutdown',
      recommended: 'error',
    },
    defaultOptions: [{ functions: DEFAULT_FUNCTIONS }],
    messages: {
      discardedHandle:
        'The handle returned by `{{name}}(...)` is discarded, so nothing can `clearInterval` it at shutdown (`.unref()` only lets the process exit; the work keeps running). Keep the handle and clear it when the owner stops.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          functions: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Functions that start a repeating timer and return its handle.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context, [options]) {
    const timerFunctions = new Set(options.functions ?? DEFAULT_FUNCTIONS);
    const { sourceCode } = context;
    // Every report names a timer function, as an identifier or a property (`timers.setInterval`).
    if (!mentionsAny(sourceCode, timerFunctions)) return {};

    /** The timer function a callee names, unless the name is bound to something else. */
    function timerFunctionName(callee: TSESTree.Expression): string | undefined {
      if (callee.type === AST_NODE_TYPES.Identifier) {
        if (!timerFunctions.has(callee.name)) return undefined;
        return isTimerBinding(callee) ? callee.name : undefined;
      }
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const name = staticMemberName(callee);
      if (name === undefined || !timerFunctions.has(name)) return undefined;
      const object = callee.object;
      if (object.type !== AST_NODE_TYPES.Identifier) return undefined;
      if (GLOBAL_OBJECTS.has(object.name)) return name;
      // `import timers from 'node:timers'; timers.setInterval(...)`
      const variable = ASTUtils.findVariable(sourceCode.getScope(callee), object);
      const source = variable ? importSource(variable) : undefined;
      return source !== undefined && CALLBACK_TIMER_MODULES.has(source) ? name : undefined;
    }

    /** A global, or an import from anywhere but the promise-based timers module. */
    function isTimerBinding(identifier: TSESTree.Identifier): boolean {
      const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
      if (!variable || variable.defs.length === 0) return true;
      const source = importSource(variable);
      return source !== undefined && !PROMISE_TIMER_MODULES.has(source);
    }

    return {
      CallExpression(node) {
        const name = timerFunctionName(node.callee);
        if (name === undefined) return;
        if (isDiscarded(node)) {
          context.report({ node, messageId: 'discardedHandle', data: { name } });
        }
      },
    };
  },
});

function importSource(variable: TSESLint.Scope.Variable): string | undefined {
  const definition = variable.defs[0];
  if (definition?.type !== TSESLint.Scope.DefinitionType.ImportBinding) return undefined;
  const declaration = definition.parent;
  if (declaration.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
  return declaration.source.value;
}

/** Follows the timer value upwards until it is stored, passed, returned or thrown away. */
function isDiscarded(call: TSESTree.CallExpression): boolean {
  let current: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (!parent) return false;
    switch (parent.type) {
      case AST_NODE_TYPES.ExpressionStatement:
        return true;
      case AST_NODE_TYPES.UnaryExpression:
        return parent.operator === 'void';
      case AST_NODE_TYPES.SequenceExpression:
        if (parent.expressions.at(-1) !== current) return true;
        current = parent;
        break;
      case AST_NODE_TYPES.ChainExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
        current = parent;
        break;
      case AST_NODE_TYPES.MemberExpression: {
        // `setInterval(...).unref()` still hands back the timer; any other member use consumes it.
        const method = parent.object === current ? staticMemberName(parent) : undefined;
        const methodCall: TSESTree.Node | undefined = parent.parent;
        if (
          method === undefined ||
          !HANDLE_PRESERVING_METHODS.has(method) ||
          methodCall?.type !== AST_NODE_TYPES.CallExpression ||
          methodCall.callee !== parent
        ) {
          return false;
        }
        current = methodCall;
        break;
      }
      default:
        return false;
    }
  }
}
