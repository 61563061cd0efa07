import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

export function isFunctionNode(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration ||
    node?.type === AST_NODE_TYPES.FunctionExpression
  );
}

/**
 * Strips the wrappers that do not change which value an expression denotes at runtime
 * (`x as T`, `x!`, `x satisfies T`, `<T>x`, `a?.b`), so `(axios as AxiosStatic).get` is still axios.
 */
export function skipTypeWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
        current = current.expression;
        break;
      case AST_NODE_TYPES.ChainExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** `a.b`, `a['b']` and `` a[`b`] `` name `b`; computed keys with a dynamic value have no static name. */
export function staticMemberName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed) {
    return member.property.type === AST_NODE_TYPES.Identifier ? member.property.name : undefined;
  }
  return staticStringValue(member.property);
}

/** The string a literal or an expression-free template literal always evaluates to. */
export function staticStringValue(node: TSESTree.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) {
    return node.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

/** The key of an object-literal property when it is known without evaluating code. */
export function propertyKeyName(property: TSESTree.Property): string | undefined {
  if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  if (property.key.type === AST_NODE_TYPES.Literal) return String(property.key.value);
  return staticStringValue(property.key);
}

/** The last property of `object` named `name` (the one that wins at runtime), if any. */
export function findProperty(object: TSESTree.ObjectExpression, name: string): TSESTree.Property | undefined {
  let found: TSESTree.Property | undefined;
  for (const property of object.properties) {
    if (property.type === AST_NODE_TYPES.Property && propertyKeyName(property) === name) {
      found = property;
    }
  }
  return found;
}

export function hasSpread(object: TSESTree.ObjectExpression): boolean {
  return object.properties.some((property) => property.type === AST_NODE_TYPES.SpreadElement);
}

/**
 * A stable textual key for simple references: `x`, `this.x`, `a.b.c`. Anything with calls,
 * computed dynamic members or other expressions has no key.
 */
export function referenceKey(node: TSESTree.Node): string | undefined {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.ThisExpression) return 'this';
  if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const objectKey = referenceKey(inner.object);
    const name = staticMemberName(inner);
    return objectKey !== undefined && name !== undefined ? `${objectKey}.${name}` : undefined;
  }
  return undefined;
}

/** The name a reference ends with: `redis` for `redis`, `this.redis` and `deps.redis`. */
export function trailingName(node: TSESTree.Node): string | undefined {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.MemberExpression) return staticMemberName(inner);
  return undefined;
}

/**
 * The call `fn` is the only argument of, looking through the wrappers `skipTypeWrappers` skips:
 * `promise.catch((error) => ...)` for the arrow function.
 */
export function callWithSoleArgument(fn: FunctionNode): TSESTree.CallExpression | undefined {
  let argument: TSESTree.Node = fn;
  while (argument.parent && isTypeWrapperOf(argument.parent, argument)) argument = argument.parent;
  const call = argument.parent;
  return call?.type === AST_NODE_TYPES.CallExpression && call.arguments.length === 1 && call.arguments[0] === argument ? call : undefined;
}

/** Whether `parent` only wraps `child` for the type checker or an optional chain (`x!`, `x as T`, `a?.b`). */
export function isTypeWrapperOf(parent: TSESTree.Node, child: TSESTree.Node): boolean {
  switch (parent.type) {
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.TSTypeAssertion:
    case AST_NODE_TYPES.ChainExpression:
      return parent.expression === child;
    default:
      return false;
  }
}

/** The nearest enclosing function of `node` (not `node` itself). */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

/** Visits `root` and every node below it (iteratively: deep ASTs must not overflow the stack). */
export function walk(root: TSESTree.Node, visitorKeys: TSESLint.SourceCode.VisitorKeys, visit: (node: TSESTree.Node) => void): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    for (const key of visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) stack.push(item);
      } else if (isNode(child)) {
        stack.push(child);
      }
    }
  }
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Climbs over `x!`, `x as T`, `x satisfies T` and `<T>x`, so `cache!.set(...)` is still a use of `cache`. */
export function climbTypeWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.parent &&
    (current.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      current.parent.type === AST_NODE_TYPES.TSAsExpression ||
      current.parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
      current.parent.type === AST_NODE_TYPES.TSTypeAssertion)
  ) {
    current = current.parent;
  }
  return current;
}
