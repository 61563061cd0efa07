import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isTypeWrapperOf, propertyKeyName, skipTypeWrappers, staticMemberName, walk } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';
import { mentionsAny } from '../util/source-text.js';

export interface RequireIntervalCleanupOptions {
  /** Functions that start a repeating timer and return its handle. Default: `['setInterval']`. */
  functions?: string[];
}

type MessageIds = 'discardedHandle' | 'neverCleared';

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
      description: 'Require keeping the handle of `setInterval` so the timer can be cleared at shutdown',
      recommended: 'error',
    },
    defaultOptions: [{ functions: DEFAULT_FUNCTIONS }],
    messages: {
      discardedHandle:
        'The handle returned by `{{name}}(...)` is discarded, so nothing can `clearInterval` it at shutdown (`.unref()` only lets the process exit; the work keeps running). Keep the handle and clear it when the owner stops.',
      neverCleared:
        'The handle returned by `{{name}}(...)` is kept in `{{handle}}` but never cleared or handed on, so nothing stops the timer at shutdown (`.unref()` only lets the process exit; the work keeps running). Pass it to `clearInterval` when the owner stops.',
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

    /** Property names read anywhere in the file (`this.timer`, `this.#timer`, `{ timer } = state`), computed once. */
    let readProperties: Map<string, number> | undefined;
    function propertyReads(): Map<string, number> {
      if (readProperties) return readProperties;
      const reads = new Map<string, number>();
      const count = (name: string | undefined) => {
        if (name !== undefined) reads.set(name, (reads.get(name) ?? 0) + 1);
      };
      walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
        if (node.type === AST_NODE_TYPES.MemberExpression) {
          if (isPlainWrite(node) || isHandleMethodReceiver(node)) return;
          count(memberName(node));
        } else if (node.type === AST_NODE_TYPES.Property && node.parent?.type === AST_NODE_TYPES.ObjectPattern) {
          count(propertyKeyName(node));
        }
      });
      readProperties = reads;
      return reads;
    }

    /**
     * Where a kept handle went, when it went nowhere but a variable or property that is never
     * read again (except to `.unref()` it): the timer can never be cleared.
     */
    function unclearedHandle(call: TSESTree.CallExpression): string | undefined {
      const kept = keptIn(call);
      if (!kept) return undefined;
      if (kept.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(kept), kept);
        if (!variable || variable.defs.length === 0) return undefined;
        const definition = variable.defs[0]!;
        // `export const timer = setInterval(…)`: whoever imports it can clear it.
        if (definition.parent?.parent?.type === AST_NODE_TYPES.ExportNamedDeclaration) return undefined;
        const handedOn = variable.references.some((reference) => reference.isRead() && !isHandleMethodReceiver(reference.identifier));
        return handedOn ? undefined : kept.name;
      }
      const name = memberName(kept);
      if (name === undefined || (propertyReads().get(name) ?? 0) > 0) return undefined;
      return sourceCode.getText(kept);
    }

    return {
      CallExpression(node) {
        const name = timerFunctionName(node.callee);
        if (name === undefined) return;
        if (isDiscarded(node) && !clearsItself(node)) {
          context.report({ node, messageId: 'discardedHandle', data: { name } });
          return;
        }
        const handle = unclearedHandle(node);
        if (handle !== undefined) context.report({ node, messageId: 'neverCleared', data: { name, handle } });
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

/** `x.unref()`, `x.ref()`, `x.hasRef()`, `x.refresh()`: uses that neither clear nor hand on the timer. */
function isHandleMethodReceiver(node: TSESTree.Node): boolean {
  let current = node;
  while (current.parent && isTypeWrapperOf(current.parent, current)) current = current.parent;
  const member = current.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== current) return false;
  const method = staticMemberName(member);
  return method !== undefined && HANDLE_METHODS.has(method) && member.parent?.type === AST_NODE_TYPES.CallExpression && member.parent.callee === member;
}

const HANDLE_METHODS = new Set(['unref', 'ref', 'hasRef', 'refresh']);

/** `this.timer = …` (a write that reads nothing), not `this.timer ??= …` or `this.timer.x = …`. */
function isPlainWrite(member: TSESTree.MemberExpression): boolean {
  const parent = member.parent;
  return parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === member && parent.operator === '=';
}

/** `timer` for `this.timer`, `this.#timer`, `state['timer']`. */
function memberName(member: TSESTree.MemberExpression): string | undefined {
  if (member.property.type === AST_NODE_TYPES.PrivateIdentifier) return `#${member.property.name}`;
  return staticMemberName(member);
}

/**
 * The variable or property a timer's handle is stored in: `const t = setInterval(…)`,
 * `t = setInterval(…)`, `this.timer = setInterval(…).unref()`. Undefined when the handle goes
 * anywhere else (returned, passed, pushed, put in an object), where it may well be cleared.
 */
function keptIn(call: TSESTree.CallExpression): TSESTree.Identifier | TSESTree.MemberExpression | undefined {
  let current: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (!parent) return undefined;
    if (isTypeWrapperOf(parent, current)) {
      current = parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === current) {
      const method = staticMemberName(parent);
      if (
        method !== undefined &&
        HANDLE_PRESERVING_METHODS.has(method) &&
        parent.parent?.type === AST_NODE_TYPES.CallExpression &&
        parent.parent.callee === parent
      ) {
        current = parent.parent;
        continue;
      }
      return undefined;
    }
    if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === current) {
      return parent.id.type === AST_NODE_TYPES.Identifier ? parent.id : undefined;
    }
    if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === current && parent.operator === '=') {
      const target = skipTypeWrappers(parent.left);
      // The assignment's own value must go nowhere: `a = b = setInterval(…)` hands it on.
      if (parent.parent?.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      if (target.type === AST_NODE_TYPES.Identifier) return target;
      if (target.type === AST_NODE_TYPES.MemberExpression && !target.computed) return target;
      if (target.type === AST_NODE_TYPES.MemberExpression && memberName(target) !== undefined) return target;
      return undefined;
    }
    return undefined;
  }
}

/**
 * `setInterval(function () { if (done) clearInterval(this); }, ms)`: in Node the callback's
 * `this` is the timer, so a discarded handle can still be cleared from inside.
 */
function clearsItself(call: TSESTree.CallExpression): boolean {
  const callback = call.arguments[0];
  if (callback?.type !== AST_NODE_TYPES.FunctionExpression) return false;
  let found = false;
  walk(
    callback.body,
    {
      BlockStatement: ['body'],
      ExpressionStatement: ['expression'],
      IfStatement: ['consequent', 'alternate'],
      CallExpression: ['callee', 'arguments'],
      LogicalExpression: ['left', 'right'],
    } as never,
    (node) => {
      if (
        node.type === AST_NODE_TYPES.CallExpression &&
        node.callee.type === AST_NODE_TYPES.Identifier &&
        (node.callee.name === 'clearInterval' || node.callee.name === 'clearTimeout') &&
        node.arguments[0]?.type === AST_NODE_TYPES.ThisExpression
      ) {
        found = true;
      }
    },
  );
  return found;
}
