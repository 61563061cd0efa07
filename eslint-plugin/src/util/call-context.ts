/**
 * What the code around a network call does with its promise, for the rules that judge the call:
 * whether a caller bounds it (`Promise.race([fetch(url), timeout(5000)])`, `withTimeout(fetch(url), ms)`),
 * whether its failure is deliberately dropped (`fetch(url).catch(() => {})`, `void fetch(url)`,
 * a fire-and-forget statement), and what a `Request` object passed to `fetch` carries.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isTypeWrapperOf, skipTypeWrappers, staticMemberName, trailingName } from './ast.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Functions that bound the promise they are given: `withTimeout(p, ms)`, `pTimeout(p, { milliseconds })`, `timeout(p, ms)`. */
const TIMEOUT_WRAPPER = /timeout|deadline/i;
const PROMISE_CHAIN_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

/**
 * The outermost expression that still is "the call's promise": through `await`, type wrappers,
 * parentheses and `.then(…)` / `.finally(…)` chains (not `.catch`, which is reported separately).
 */
function climbPromise(call: TSESTree.CallExpression, throughCatch: boolean): TSESTree.Node {
  let current: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (!parent) return current;
    if (isTypeWrapperOf(parent, current)) {
      current = parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === current) {
      const method = staticMemberName(parent);
      const chained: TSESTree.Node | undefined = parent.parent;
      if (
        method !== undefined &&
        PROMISE_CHAIN_METHODS.has(method) &&
        (throughCatch || method !== 'catch') &&
        chained?.type === AST_NODE_TYPES.CallExpression &&
        chained.callee === parent
      ) {
        current = chained;
        continue;
      }
    }
    return current;
  }
}

/** Whether something around the call bounds how long its caller waits for it. */
export function isBoundedByCaller(call: TSESTree.CallExpression): boolean {
  const promise = climbPromise(call, true);
  const parent = promise.parent;
  // Promise.race([fetch(url), timeout(5000)])
  if (parent?.type === AST_NODE_TYPES.ArrayExpression) {
    const race = parent.parent;
    if (race?.type === AST_NODE_TYPES.CallExpression && race.arguments[0] === parent) {
      const callee = skipTypeWrappers(race.callee);
      return callee.type === AST_NODE_TYPES.MemberExpression && staticMemberName(callee) === 'race';
    }
    return false;
  }
  // withTimeout(fetch(url), 5000), pTimeout(fetch(url), { milliseconds: 5000 })
  if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(promise as TSESTree.CallExpressionArgument)) {
    const name = trailingName(parent.callee);
    return name !== undefined && TIMEOUT_WRAPPER.test(name);
  }
  return false;
}

/**
 * Whether the call's failure is deliberately dropped, so it cannot "fail the operation": a
 * `.catch(…)` on its promise chain or `void fetch(url)` (fire-and-forget telemetry, pings, cache
 * warming). A best-effort request needs no retry.
 */
export function isBestEffort(call: TSESTree.CallExpression): boolean {
  const promise = climbPromise(call, false);
  const parent = promise.parent;
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === promise && staticMemberName(parent) === 'catch') {
    return parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent;
  }
  // `void fetch(url)` says "I do not care"; a bare statement may just be a missing `await`.
  return parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void';
}

/**
 * For `fetch(request)` with no init: the `new Request(url, init)` a `const` holds, so its init is
 * judged; `'opaque'` when the argument is a Request object the file does not build (a parameter
 * named `request`/`req` or typed `Request`), whose options are unknown; `undefined` otherwise.
 */
export function requestObjectOf(sourceCode: SourceCode, argument: TSESTree.Node | undefined): TSESTree.NewExpression | 'opaque' | undefined {
  if (!argument) return undefined;
  const value = skipTypeWrappers(argument);
  if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(value), value);
  const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (definition?.type === 'Variable' && definition.node.init) {
    const init = skipTypeWrappers(definition.node.init);
    if (init.type === AST_NODE_TYPES.NewExpression && init.callee.type === AST_NODE_TYPES.Identifier && init.callee.name === 'Request') {
      return definition.parent?.type === AST_NODE_TYPES.VariableDeclaration && definition.parent.kind === 'const' ? init : 'opaque';
    }
    return undefined;
  }
  const annotation = value.typeAnnotation ?? (definition?.name as TSESTree.Identifier | undefined)?.typeAnnotation;
  const typeName =
    annotation?.typeAnnotation.type === AST_NODE_TYPES.TSTypeReference && annotation.typeAnnotation.typeName.type === AST_NODE_TYPES.Identifier
      ? annotation.typeAnnotation.typeName.name
      : undefined;
  if (typeName === 'Request') return 'opaque';
  return /^(?:req|request)$/i.test(value.name) && definition?.type === 'Parameter' ? 'opaque' : undefined;
}
