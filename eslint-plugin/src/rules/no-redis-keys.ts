import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import { skipTypeWrappers, staticMemberName, staticStringValue, trailingName, isFunctionNode } from '../util/ast.js';
import { isRedisTyped } from '../util/redis-receiver.js';

/** Receivers whose `.keys(x)` is never Redis: the standard library and lodash. */
const NOT_REDIS: ReadonlySet<string> = new Set(['Object', 'Reflect', '_', 'lodash']);
const REDIS_LIKE_NAME = /redis|cache|cluster/i;
/**
 * chai's language chains: `expect(obj).to.have.keys('a')`, `obj.should.have.all.keys('a')` are
 * assertions on an object's keys, not Redis.
 */
const CHAI_CHAINS: ReadonlySet<string> = new Set([
  'to',
  'be',
  'been',
  'is',
  'that',
  'which',
  'and',
  'has',
  'have',
  'with',
  'at',
  'of',
  'same',
  'but',
  'does',
  'still',
  'also',
  'all',
  'any',
  'not',
  'deep',
  'own',
  'nested',
  'ordered',
  'include',
  'includes',
  'contain',
  'contains',
  'should',
  'expect',
  'assert',
]);

export default createRule({
  name: 'no-redis-keys',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow the Redis `KEYS` command, which blocks the server while it walks the whole keyspace',
      recommended: 'error',
    },
    schema: [],
    messages: {
      noKeys:
        'Redis KEYS walks the whole keyspace and blocks every other client while it runs. Iterate with SCAN using MATCH and COUNT instead (ioredis `scanStream`, node-redis `scanIterator`).',
    },
  },
  defaultOptions: [],
  create(context) {
    // Every reported call spells `keys` or `KEYS`; most files do neither.
    if (!/keys/i.test(context.sourceCode.text)) return {};
    return {
      CallExpression(node) {
        const callee = skipTypeWrappers(node.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
        const method = staticMemberName(callee);
        if (
          (method === 'keys' && isKeysMethodCall(context.sourceCode, callee.object, node.arguments)) ||
          (method === 'call' && isKeysName(node.arguments[0])) ||
          (method === 'sendCommand' && isKeysCommandArray(node.arguments[0]))
        ) {
          context.report({ node, messageId: 'noKeys' });
        }
      },
    };
  },
});

function isKeysMethodCall(sourceCode: Readonly<TSESLint.SourceCode>, receiver: TSESTree.Expression, args: TSESTree.CallExpressionArgument[]): boolean {
  const receiverName = trailingName(receiver);
  if (receiverName !== undefined && NOT_REDIS.has(receiverName)) return false;
  if (isAssertionChain(receiver)) return false;
  const [pattern, callback, ...rest] = args;
  // `keys(pattern)` or the callback style of node-redis v3, `keys(pattern, (err, keys) => ...)`.
  if (!pattern || pattern.type === AST_NODE_TYPES.SpreadElement || rest.length > 0) return false;
  if (callback && !isFunctionNode(callback)) return false;
  if (pattern.type === AST_NODE_TYPES.TemplateLiteral) return true;
  if (pattern.type === AST_NODE_TYPES.Literal && typeof pattern.value === 'string') return true;
  return (receiverName !== undefined && REDIS_LIKE_NAME.test(receiverName)) || isRedisTyped(sourceCode, receiver);
}

/** `expect(x).to.have.keys`, `x.should.have.all.keys`, `expect(x).keys`: a chai assertion. */
function isAssertionChain(receiver: TSESTree.Node): boolean {
  let current = skipTypeWrappers(receiver);
  for (;;) {
    if (current.type === AST_NODE_TYPES.MemberExpression) {
      const name = staticMemberName(current);
      if (name !== undefined && CHAI_CHAINS.has(name)) return true;
      current = skipTypeWrappers(current.object);
    } else if (current.type === AST_NODE_TYPES.CallExpression) {
      const name = trailingName(current.callee);
      if (name !== undefined && CHAI_CHAINS.has(name)) return true;
      current = skipTypeWrappers(current.callee);
    } else {
      return false;
    }
  }
}

function isKeysName(node: TSESTree.Node | undefined): boolean {
  return staticStringValue(node)?.toUpperCase() === 'KEYS';
}

function isKeysCommandArray(node: TSESTree.Node | undefined): boolean {
  return node?.type === AST_NODE_TYPES.ArrayExpression && isKeysName(node.elements[0] ?? undefined);
}
