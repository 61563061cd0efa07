import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { climbTypeWrappers, type FunctionNode, isFunctionNode, referenceKey, skipTypeWrappers, staticMemberName, trailingName, walk } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';
import { compileNamePattern } from '../util/name-pattern.js';
import { mayMatchName, mentions } from '../util/source-text.js';
import { isRedisLikeReceiver, isRedisTyped } from '../util/redis-receiver.js';
import { cannotBeFalsy } from '../util/truthy-values.js';

export interface NoTruthyCacheCheckOptions {
  /** Case-insensitive regular expression the cache object's name must match. Default: `'cache|redis|store'`. */
  namePattern?: string;
}

const DEFAULT_NAME_PATTERN = 'cache|redis|store';

type MessageIds = 'truthyCheck' | 'compareWithUndefined' | 'compareWithNullish' | 'useNullish';

/**
 * Writes that make a falsy miss expensive: the value is recomputed and written again. The value
 * is the argument at the given index (`set(key, value)`, `setex(key, ttl, value)`).
 */
const WRITE_METHODS: ReadonlyMap<string, number> = new Map([
  ['set', 1],
  ['setex', 2],
  ['setEx', 2],
]);

type Scope = FunctionNode | TSESTree.Program;

interface CachedRead {
  variable: TSESLint.Scope.Variable;
  cacheKey: string;
  scope: Scope;
  /** The cache object the value is read from (`this.cache`, `redis`). */
  receiver: TSESTree.Node;
  /** The declared type says the value is `T | undefined` and never `null`. */
  undefinedOnly: boolean;
}

/** The values written to one cache inside one function (or the module); `undefined` when a write's value is not seen. */
type Writes = Map<Scope, Map<string, (TSESTree.Node | undefined)[]>>;

/** How a read of the cached value is tested, which decides the safe rewrite. */
type Test =
  /** `!v` (or `!!v`): the negation chain is replaced by a comparison. */
  | { kind: 'negation'; node: TSESTree.UnaryExpression; negated: boolean; value: TSESTree.Node }
  /** `v || fallback` used as a value: `??` keeps the value and only changes what counts as a miss. */
  | { kind: 'fallback'; node: TSESTree.LogicalExpression }
  /** `if (v)`, `v ? a : b`, `v && x` in a condition: `v` becomes a comparison. */
  | { kind: 'condition'; node: TSESTree.Node }
  /** `v && x` used as a value: any comparison changes the result, so no suggestion. */
  | { kind: 'value'; node: TSESTree.Node };

export default createRule<[NoTruthyCacheCheckOptions], MessageIds>({
  name: 'no-truthy-cache-check',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow testing a cached value for truthiness, which turns cached falsy values into permanent misses',
      recommended: 'error',
    },
    hasSuggestions: true,
    defaultOptions: [{ namePattern: DEFAULT_NAME_PATTERN }],
    messages: {
      truthyCheck:
        "`{{name}}` comes from `{{cache}}.get(...)` and is tested for truthiness: a cached 0, '', false or null counts as a miss, so it is recomputed and written again on every call. Compare with `undefined` (or `null`) explicitly.",
      compareWithUndefined: 'Treat only `undefined` as a miss (the declared type has no `null`).',
      compareWithNullish:
        'Treat only `null` and `undefined` as a miss (`== null`: Redis clients answer a missing key with `null`, Map-like caches with `undefined`).',
      useNullish: 'Use `??` so only `null` and `undefined` fall back.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          namePattern: {
            type: 'string',
            minLength: 1,
            description: "Case-insensitive regular expression the cache object's name must match.",
          },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context, [options]) {
    const namePattern = compileNamePattern('no-truthy-cache-check', options.namePattern ?? DEFAULT_NAME_PATTERN);
    const { sourceCode } = context;
    // A report needs `await <cache>.get(...)` and a write (`set`, `setex`, `setEx`) to that cache.
    if (!mentions(sourceCode, 'await') || !mentions(sourceCode, 'set') || !(mayMatchName(sourceCode, namePattern) || mentions(sourceCode, 'Redis'))) return {};
    const reads: CachedRead[] = [];

    /**
     * For every function (and the module), the caches written anywhere inside it. Only files that
     * read a cache need it, so it is collected once the file turned out to (no listener on calls).
     */
    function collectWrites(): Writes {
      const writes: Writes = new Map();
      walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
        if (node.type !== AST_NODE_TYPES.CallExpression) return;
        const callee = skipTypeWrappers(node.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
        const method = staticMemberName(callee);
        const valueIndex = method === undefined ? undefined : WRITE_METHODS.get(method);
        if (valueIndex === undefined) return;
        const cacheKey = referenceKey(callee.object);
        if (cacheKey === undefined) return;
        const argument = node.arguments[valueIndex];
        const value = argument && argument.type !== AST_NODE_TYPES.SpreadElement ? argument : undefined;
        for (let current: TSESTree.Node | undefined = node.parent; current; current = current.parent) {
          if (isFunctionNode(current) || current.type === AST_NODE_TYPES.Program) {
            let byCache = writes.get(current);
            if (!byCache) writes.set(current, (byCache = new Map()));
            const values = byCache.get(cacheKey);
            if (values) values.push(value);
            else byCache.set(cacheKey, [value]);
          }
        }
      });
      return writes;
    }

    function report(read: CachedRead, identifier: TSESTree.Identifier, test: Test): void {
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      if (test.kind === 'fallback') {
        suggest.push({ messageId: 'useNullish', fix: (fixer) => nullishFix(fixer, test.node) });
      } else if (test.kind !== 'value') {
        // `=== undefined` on ioredis/node-redis (a miss is `null`) would make every miss a hit:
        // it is offered only when the declared type rules `null` out and the receiver is no Redis client.
        if (read.undefinedOnly && !isRedisLikeReceiver(sourceCode, read.receiver)) {
          suggest.push({ messageId: 'compareWithUndefined', fix: (fixer) => comparisonFix(fixer, test, 'undefined') });
        }
        suggest.push({ messageId: 'compareWithNullish', fix: (fixer) => comparisonFix(fixer, test, 'null') });
      }
      context.report({
        node: identifier,
        messageId: 'truthyCheck',
        data: { name: identifier.name, cache: read.cacheKey },
        suggest,
      });
    }

    function comparisonFix(fixer: TSESLint.RuleFixer, test: Test, missing: string): TSESLint.RuleFix {
      const replaced = test.node;
      const valueNode = test.kind === 'negation' ? test.value : replaced;
      const negated = test.kind === 'negation' && test.negated;
      // `== null` matches `null` and `undefined`; `=== undefined` only `undefined`.
      const operator = missing === 'null' ? (negated ? '==' : '!=') : negated ? '===' : '!==';
      const comparison = `${sourceCode.getText(valueNode)} ${operator} ${missing}`;
      return fixer.replaceText(replaced, needsParens(replaced) ? `(${comparison})` : comparison);
    }

    function nullishFix(fixer: TSESLint.RuleFixer, logical: TSESTree.LogicalExpression): TSESLint.RuleFix[] {
      const operator = sourceCode.getFirstTokenBetween(logical.left, logical.right, (token) => token.value === '||');
      if (!operator) return [];
      const fixes = [fixer.replaceText(operator, '??')];
      // `??` may not be mixed with `||`/`&&` without parentheses on either side.
      const right = logical.right;
      if (isAndOr(right) && !ASTUtils.isParenthesized(right, sourceCode)) {
        fixes.push(fixer.insertTextBefore(right, '('), fixer.insertTextAfter(right, ')'));
      }
      if (isAndOr(logical.parent) && !ASTUtils.isParenthesized(logical, sourceCode)) {
        fixes.push(fixer.insertTextBefore(logical, '('), fixer.insertTextAfter(logical, ')'));
      }
      return fixes;
    }

    return {
      VariableDeclarator(node) {
        if (node.id.type !== AST_NODE_TYPES.Identifier || !node.init) return;
        const cache = cacheReadObject(node.init);
        const name = cache && trailingName(cache);
        const cacheKey = cache && referenceKey(cache);
        if (!cache || name === undefined || cacheKey === undefined) return;
        // A receiver declared as a Redis client (`private client: Redis`) is a cache whatever its name.
        if (!namePattern.test(name) && !isRedisTyped(sourceCode, cache)) return;
        const variable = sourceCode.getDeclaredVariables(node)[0];
        // A value reassigned later may be tested after it stopped being the cached one.
        if (!variable || variable.references.some((reference) => reference.isWrite() && !reference.init)) {
          return;
        }
        let scope: Scope | undefined;
        for (let current: TSESTree.Node | undefined = node.parent; current; current = current.parent) {
          if (isFunctionNode(current) || current.type === AST_NODE_TYPES.Program) {
            scope = current;
            break;
          }
        }
        if (scope) reads.push({ variable, cacheKey, scope, receiver: cache, undefinedOnly: declaresUndefinedOnly(sourceCode, node) });
      },
      'Program:exit'() {
        if (reads.length === 0) return;
        const writes = collectWrites();
        for (const read of reads) {
          const written = writes.get(read.scope)?.get(read.cacheKey);
          if (!written) continue;
          // Every write stores a value that cannot be falsy (`{ ... }`, `JSON.stringify(...)`), so a
          // falsy read is a miss and nothing else.
          if (written.every((value) => value !== undefined && cannotBeFalsy(sourceCode, value))) continue;
          for (const reference of read.variable.references) {
            const { identifier } = reference;
            if (reference.init || identifier.type !== AST_NODE_TYPES.Identifier) continue;
            const test = truthinessTest(identifier);
            if (test) report(read, identifier, test);
          }
        }
      },
    };
  },
});

/** `const v: T | undefined = ...` or `(await c.get(k)) as T | undefined`: `undefined` and no `null`. */
function declaresUndefinedOnly(sourceCode: Readonly<TSESLint.SourceCode>, declarator: TSESTree.VariableDeclarator): boolean {
  const annotations: TSESTree.Node[] = [];
  if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.typeAnnotation) annotations.push(declarator.id.typeAnnotation);
  for (let init: TSESTree.Node | null = declarator.init; init;) {
    if (init.type === AST_NODE_TYPES.TSAsExpression || init.type === AST_NODE_TYPES.TSSatisfiesExpression) {
      annotations.push(init.typeAnnotation);
      init = init.expression;
    } else if (init.type === AST_NODE_TYPES.TSTypeAssertion) {
      annotations.push(init.typeAnnotation);
      init = init.expression;
    } else {
      init = null;
    }
  }
  const text = annotations.map((annotation) => sourceCode.getText(annotation)).join(' ');
  return /\bundefined\b/.test(text) && !/\bnull\b|\bany\b|\bunknown\b/.test(text);
}

/** The `x` of `await x.get(...)`, looking through casts and parentheses. */
function cacheReadObject(init: TSESTree.Expression): TSESTree.Expression | undefined {
  const awaited = skipTypeWrappers(init);
  if (awaited.type !== AST_NODE_TYPES.AwaitExpression) return undefined;
  const call = skipTypeWrappers(awaited.argument);
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || staticMemberName(callee) !== 'get') {
    return undefined;
  }
  return callee.object;
}

function isAndOr(node: TSESTree.Node | undefined): node is TSESTree.LogicalExpression {
  return node?.type === AST_NODE_TYPES.LogicalExpression && node.operator !== '??';
}

/** Whether the value of `node` is only used as a condition. */
function isCondition(node: TSESTree.Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === node;
    case AST_NODE_TYPES.UnaryExpression:
      return parent.operator === '!';
    case AST_NODE_TYPES.LogicalExpression:
      return parent.operator !== '??' && isCondition(parent);
    default:
      return false;
  }
}

function truthinessTest(identifier: TSESTree.Identifier): Test | undefined {
  const value = climbTypeWrappers(identifier);
  let outer: TSESTree.Node = value;
  let negations = 0;
  while (outer.parent?.type === AST_NODE_TYPES.UnaryExpression && outer.parent.operator === '!') {
    outer = outer.parent;
    negations += 1;
  }
  if (negations > 0 && outer.type === AST_NODE_TYPES.UnaryExpression) {
    return { kind: 'negation', node: outer, negated: negations % 2 === 1, value };
  }
  if (isCondition(value)) return { kind: 'condition', node: value };
  const parent = value.parent;
  if (isAndOr(parent) && parent.left === value) {
    return parent.operator === '||' ? { kind: 'fallback', node: parent } : { kind: 'value', node: value };
  }
  return undefined;
}

/**
 * A comparison binds tighter than `&&`, `||` and `?:`, so it needs no parentheses as a test or
 * where a whole expression stands on its own; next to tighter operators it does (`!(v === x)`).
 */
function needsParens(replaced: TSESTree.Node): boolean {
  const parent = replaced.parent;
  if (!parent) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ConditionalExpression:
    case AST_NODE_TYPES.LogicalExpression:
    case AST_NODE_TYPES.VariableDeclarator:
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.TemplateLiteral:
      return false;
    case AST_NODE_TYPES.AssignmentExpression:
      return parent.right !== replaced;
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return parent.body !== replaced;
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.NewExpression:
      return parent.callee === replaced;
    case AST_NODE_TYPES.Property:
      return parent.value !== replaced;
    default:
      return true;
  }
}
