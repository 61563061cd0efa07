/**
 * Whether a receiver is a Redis client by its declaration, not only by its name: `this.client`
 * where the class declares `client: Redis` (or `RedisClientType`, `Cluster`, ...), a parameter
 * property `constructor(private client: Redis)`, a variable or parameter annotated with a Redis
 * type, or one initialised with `new Redis(...)` / `createClient(...)`. Syntactic: the annotation's
 * text is read, nothing is type-checked.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { skipTypeWrappers, staticMemberName, trailingName } from './ast.js';

/** Type names (or the text of a type) that denote ioredis / node-redis clients. */
const REDIS_TYPE_TEXT = /\b(?:IORedis|Redis(?:Client|ClientType|Cluster|ClusterType)?|Cluster)\b|\bcreate(?:Client|Cluster)\b/;
const REDIS_CONSTRUCTORS: ReadonlySet<string> = new Set(['Redis', 'IORedis', 'Cluster', 'RedisCluster']);
const REDIS_FACTORIES: ReadonlySet<string> = new Set(['createClient', 'createCluster']);
const REDIS_NAME = /redis/i;

/** A receiver named like Redis (`redis`, `this.redisClient`) or declared as a Redis client. */
export function isRedisLikeReceiver(sourceCode: Readonly<TSESLint.SourceCode>, receiver: TSESTree.Node): boolean {
  const name = trailingName(receiver);
  return (name !== undefined && REDIS_NAME.test(name)) || isRedisTyped(sourceCode, receiver);
}

/** Whether the declaration of `receiver` (a variable, parameter or `this` field) says it is a Redis client. */
export function isRedisTyped(sourceCode: Readonly<TSESLint.SourceCode>, receiver: TSESTree.Node): boolean {
  if (receiver.type === AST_NODE_TYPES.TSAsExpression && isRedisTypeAnnotation(sourceCode, receiver.typeAnnotation)) return true;
  const inner = skipTypeWrappers(receiver);
  if (inner.type === AST_NODE_TYPES.Identifier) return isRedisVariable(sourceCode, inner);
  if (inner.type === AST_NODE_TYPES.MemberExpression && inner.object.type === AST_NODE_TYPES.ThisExpression) {
    const field = staticMemberName(inner) ?? (inner.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${inner.property.name}` : undefined);
    return field !== undefined && isRedisField(sourceCode, inner, field);
  }
  return false;
}

function isRedisTypeAnnotation(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node | undefined): boolean {
  return node !== undefined && REDIS_TYPE_TEXT.test(sourceCode.getText(node));
}

function isRedisValue(node: TSESTree.Node | null | undefined): boolean {
  if (!node) return false;
  const value = skipTypeWrappers(node);
  if (value.type === AST_NODE_TYPES.AwaitExpression) return isRedisValue(value.argument);
  if (value.type === AST_NODE_TYPES.NewExpression) {
    const name = trailingName(value.callee);
    return name !== undefined && REDIS_CONSTRUCTORS.has(name);
  }
  if (value.type === AST_NODE_TYPES.CallExpression) {
    const name = trailingName(value.callee);
    if (name !== undefined && REDIS_FACTORIES.has(name)) return true;
    // `createClient(...).connect()` and `redis.duplicate()` are still clients.
    if ((name === 'connect' || name === 'duplicate') && value.callee.type === AST_NODE_TYPES.MemberExpression) {
      return isRedisValue(value.callee.object);
    }
  }
  return false;
}

function isRedisVariable(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier.name);
  for (const definition of variable?.defs ?? []) {
    const name = definition.name as TSESTree.Node;
    if (name.type === AST_NODE_TYPES.Identifier && isRedisTypeAnnotation(sourceCode, name.typeAnnotation)) return true;
    if (definition.node.type === AST_NODE_TYPES.VariableDeclarator && isRedisValue(definition.node.init)) return true;
  }
  return false;
}

function isRedisField(sourceCode: Readonly<TSESLint.SourceCode>, from: TSESTree.Node, field: string): boolean {
  let classBody: TSESTree.ClassBody | undefined;
  for (let current = from.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.ClassBody) {
      classBody = current;
      break;
    }
  }
  if (!classBody) return false;
  for (const member of classBody.body) {
    if (member.type === AST_NODE_TYPES.PropertyDefinition && fieldName(member.key, member.computed) === field) {
      if (isRedisTypeAnnotation(sourceCode, member.typeAnnotation) || isRedisValue(member.value)) return true;
    }
    if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor') {
      for (const param of member.value.params) {
        if (
          param.type === AST_NODE_TYPES.TSParameterProperty &&
          param.parameter.type === AST_NODE_TYPES.Identifier &&
          param.parameter.name === field &&
          isRedisTypeAnnotation(sourceCode, param.parameter.typeAnnotation)
        ) {
          return true;
        }
      }
      for (const statement of member.value.body?.body ?? []) {
        if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
        const assignment = statement.expression;
        if (
          assignment.type === AST_NODE_TYPES.AssignmentExpression &&
          assignment.left.type === AST_NODE_TYPES.MemberExpression &&
          assignment.left.object.type === AST_NODE_TYPES.ThisExpression &&
          fieldName(assignment.left.property, assignment.left.computed) === field &&
          isRedisValue(assignment.right)
        ) {
          return true;
        }
      }
    }
  }
  return false;
}

function fieldName(key: TSESTree.Node, computed: boolean): string | undefined {
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${key.name}`;
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  return key.type === AST_NODE_TYPES.Literal && typeof key.value === 'string' ? key.value : undefined;
}
