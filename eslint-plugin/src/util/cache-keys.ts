/**
 * What the keys of a cache-like container say about its size, without type information:
 *   - a declared key type that is finite (`Map<'a' | 'b', V>`, an enum, a union-of-literals alias
 *     declared in the file, `keyof T`, `boolean`) bounds it;
 *   - literal keys (`'a'`, `Status.Active`) bound it;
 *   - a key derived from request input (`req.ip`, `request.headers[...]`) or named like an id, a
 *     URL, a user, a session, a token... grows with the traffic: that is the "open-ended" signal.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { skipTypeWrappers, staticMemberName, walk } from './ast.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** `id`, `ids`, `ip`, `userId`, `requestIds`, `clientIP`, `user_id`, `sessionID`. */
const ID_NAME = /^(?:id|ids|ip|ips)$|[a-z0-9](?:Id|Ids|ID|IDs|Ip|IP)$|_ids?$/;
/** Names of values a client or the outside world picks. */
const OPEN_NAME = /uuid|guid|url|uri$|href|pathname|address|email|token|session|user|account|tenant|customer|origin|hostname|domain|query|phone/i;
/** Where request input lives: `req.ip`, `request.headers`, `ctx.request.query`, `c.req.param('id')`. */
const REQUEST_OBJECTS = /^(?:req|request)$/;
const REQUEST_PARTS: ReadonlySet<string> = new Set(['req', 'request', 'headers', 'params', 'query', 'body', 'ip', 'ips', 'cookies', 'url']);

/** The `K` of `Map<K, V>`, `Set<K>`, `Record<K, V>` from an annotation or a `new Map<K, V>()` / `{} as Record<K, V>` initialiser. */
export function keyTypeOf(annotation: TSESTree.TSTypeAnnotation | undefined, init: TSESTree.Node | null | undefined): TSESTree.TypeNode | undefined {
  const fromAnnotation = annotation && keyOfContainerType(annotation.typeAnnotation);
  if (fromAnnotation) return fromAnnotation;
  let value = init ?? undefined;
  while (
    value &&
    (value.type === AST_NODE_TYPES.TSAsExpression || value.type === AST_NODE_TYPES.TSSatisfiesExpression || value.type === AST_NODE_TYPES.TSTypeAssertion)
  ) {
    const fromCast = keyOfContainerType(value.typeAnnotation);
    if (fromCast) return fromCast;
    value = value.expression;
  }
  if (value?.type === AST_NODE_TYPES.NewExpression) return value.typeArguments?.params[0];
  return undefined;
}

function keyOfContainerType(type: TSESTree.TypeNode): TSESTree.TypeNode | undefined {
  if (type.type === AST_NODE_TYPES.TSTypeReference && type.typeName.type === AST_NODE_TYPES.Identifier) {
    if (/^(?:Map|Set|Record|ReadonlyMap|ReadonlySet|Partial)$/.test(type.typeName.name)) {
      const first = type.typeArguments?.params[0];
      return type.typeName.name === 'Partial' && first ? keyOfContainerType(first) : first;
    }
  }
  if (type.type === AST_NODE_TYPES.TSTypeLiteral) {
    for (const member of type.members) {
      const parameter = member.type === AST_NODE_TYPES.TSIndexSignature ? member.parameters[0] : undefined;
      if (parameter?.type === AST_NODE_TYPES.Identifier) return parameter.typeAnnotation?.typeAnnotation;
    }
  }
  if (type.type === AST_NODE_TYPES.TSMappedType) return type.constraint ?? undefined;
  return undefined;
}

/** Names of the file's enums and of its type aliases that are unions of literals. */
export function finiteTypeNames(program: TSESTree.Program): ReadonlySet<string> {
  const names = new Set<string>();
  const aliases: TSESTree.TSTypeAliasDeclaration[] = [];
  for (const statement of program.body) {
    const declaration =
      (statement.type === AST_NODE_TYPES.ExportNamedDeclaration || statement.type === AST_NODE_TYPES.ExportDefaultDeclaration) && statement.declaration
        ? statement.declaration
        : statement;
    if (declaration.type === AST_NODE_TYPES.TSEnumDeclaration) names.add(declaration.id.name);
    if (declaration.type === AST_NODE_TYPES.TSTypeAliasDeclaration) aliases.push(declaration);
  }
  // Aliases may name each other (`type Color = Primary | 'grey'`): settle them until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const alias of aliases) {
      if (!names.has(alias.id.name) && isFiniteKeyType(alias.typeAnnotation, names)) {
        names.add(alias.id.name);
        changed = true;
      }
    }
  }
  return names;
}

export function isFiniteKeyType(type: TSESTree.TypeNode, finiteTypes: ReadonlySet<string>): boolean {
  switch (type.type) {
    case AST_NODE_TYPES.TSLiteralType:
    case AST_NODE_TYPES.TSBooleanKeyword:
    case AST_NODE_TYPES.TSUndefinedKeyword:
    case AST_NODE_TYPES.TSNullKeyword:
      return true;
    case AST_NODE_TYPES.TSUnionType:
      return type.types.every((member) => isFiniteKeyType(member, finiteTypes));
    case AST_NODE_TYPES.TSTypeOperator:
      // `keyof T`, `keyof typeof CONFIG`
      return type.operator === 'keyof';
    case AST_NODE_TYPES.TSIndexedAccessType:
      // `(typeof STATUSES)[number]`
      return type.objectType.type === AST_NODE_TYPES.TSTypeQuery || isFiniteKeyType(type.objectType, finiteTypes);
    case AST_NODE_TYPES.TSTypeReference:
      if (type.typeName.type === AST_NODE_TYPES.Identifier) return finiteTypes.has(type.typeName.name);
      // `Status.Active`: a member of an enum
      return (
        type.typeName.type === AST_NODE_TYPES.TSQualifiedName &&
        type.typeName.left.type === AST_NODE_TYPES.Identifier &&
        finiteTypes.has(type.typeName.left.name)
      );
    default:
      return false;
  }
}

/**
 * Whether `key` is one that grows with the traffic: request input, or a value named like an id,
 * a URL, a user... `rateLimiting` containers count per caller, so any key that is not a literal
 * and not of a finite type is open-ended there.
 */
export function openEndedKey(sourceCode: SourceCode, key: TSESTree.Node, finiteTypes: ReadonlySet<string>, rateLimiting: boolean, depth = 0): boolean {
  if (isFixedKey(key, finiteTypes) || hasFiniteDeclaredType(sourceCode, key, finiteTypes)) return false;
  if (rateLimiting) return true;
  // `const key = \`${user.email}:${size}\`; cache.set(key, ...)`: the key is what it was built from.
  const built = depth < 2 ? constInitialiser(sourceCode, key) : undefined;
  if (built && openEndedKey(sourceCode, built, finiteTypes, rateLimiting, depth + 1)) return true;
  let open = false;
  walk(key, sourceCode.visitorKeys, (node) => {
    if (open) return;
    if (node.type === AST_NODE_TYPES.Identifier) {
      const parent = node.parent;
      const isObjectOfRequestPart = parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === node && REQUEST_OBJECTS.test(node.name);
      if (isObjectOfRequestPart || ID_NAME.test(node.name) || OPEN_NAME.test(node.name)) open = true;
    } else if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed) {
      const name = staticMemberName(node);
      if (name !== undefined && REQUEST_PARTS.has(name) && (name === 'req' || name === 'request' || isRequestRooted(node.object))) open = true;
    }
  });
  return open;
}

function constInitialiser(sourceCode: SourceCode, key: TSESTree.Node): TSESTree.Expression | undefined {
  const value = skipTypeWrappers(key);
  if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(value), value.name);
  const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (definition?.type !== 'Variable' || definition.node.type !== AST_NODE_TYPES.VariableDeclarator) return undefined;
  if (variable!.references.some((reference) => reference.isWrite() && !reference.init)) return undefined;
  return definition.node.init ?? undefined;
}

function isRequestRooted(node: TSESTree.Node): boolean {
  let current = skipTypeWrappers(node);
  while (current.type === AST_NODE_TYPES.MemberExpression || current.type === AST_NODE_TYPES.CallExpression) {
    if (current.type === AST_NODE_TYPES.MemberExpression) {
      const name = staticMemberName(current);
      if (name === 'req' || name === 'request') return true;
      current = skipTypeWrappers(current.object);
    } else {
      current = skipTypeWrappers(current.callee);
    }
  }
  return current.type === AST_NODE_TYPES.Identifier && REQUEST_OBJECTS.test(current.name);
}

/** `'a'`, `` `x` ``, `42`, `Status.Active` (an enum of the file, or a capitalised namespace member). */
function isFixedKey(key: TSESTree.Node, finiteTypes: ReadonlySet<string>): boolean {
  const value = skipTypeWrappers(key);
  if (value.type === AST_NODE_TYPES.Literal) return true;
  if (value.type === AST_NODE_TYPES.TemplateLiteral) return value.expressions.length === 0;
  if (value.type === AST_NODE_TYPES.MemberExpression && !value.computed && value.object.type === AST_NODE_TYPES.Identifier) {
    return finiteTypes.has(value.object.name);
  }
  return false;
}

/** A variable or parameter declared with a finite type: `(status: 'open' | 'closed')`, `(kind: Kind)`. */
function hasFiniteDeclaredType(sourceCode: SourceCode, key: TSESTree.Node, finiteTypes: ReadonlySet<string>): boolean {
  const value = skipTypeWrappers(key);
  if (value.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(value), value.name);
  for (const definition of variable?.defs ?? []) {
    const name = definition.name as TSESTree.Node;
    const annotation = name.type === AST_NODE_TYPES.Identifier ? name.typeAnnotation?.typeAnnotation : undefined;
    if (annotation && isFiniteKeyType(annotation, finiteTypes)) return true;
  }
  return false;
}
