/**
 * Values that are truthy whatever runs: object and array literals, `new X()`, functions and
 * classes, `JSON.stringify(...)` (a JSON text is never empty), non-empty strings and templates,
 * non-zero numbers, `true`, and `const`s bound to any of these. Syntactic: anything else
 * (a call's result, a parameter, `String(x)`) may be falsy.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { skipTypeWrappers, staticMemberName } from './ast.js';

const MAX_DEPTH = 4;

export function cannotBeFalsy(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const value = skipTypeWrappers(node);
  switch (value.type) {
    case AST_NODE_TYPES.ObjectExpression:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.NewExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ClassExpression:
      return true;
    case AST_NODE_TYPES.Literal:
      // Strings, numbers, booleans, bigints, regular expressions (always truthy objects).
      return Boolean(value.value) || 'regex' in value;
    case AST_NODE_TYPES.TemplateLiteral:
      return value.quasis.some((quasi) => (quasi.value.cooked ?? quasi.value.raw) !== '');
    case AST_NODE_TYPES.CallExpression:
      return isJsonStringify(value.callee);
    case AST_NODE_TYPES.BinaryExpression:
      // `'user:' + id` is a non-empty string.
      return value.operator === '+' && (isNonEmptyString(value.left) || isNonEmptyString(value.right));
    case AST_NODE_TYPES.ConditionalExpression:
      return cannotBeFalsy(sourceCode, value.consequent, depth + 1) && cannotBeFalsy(sourceCode, value.alternate, depth + 1);
    case AST_NODE_TYPES.LogicalExpression:
      // `a || {}` and `a ?? {}` end with the right side when the left is falsy or nullish.
      return (
        (value.operator === '||' && cannotBeFalsy(sourceCode, value.right, depth + 1)) ||
        (value.operator !== '||' && cannotBeFalsy(sourceCode, value.left, depth + 1) && cannotBeFalsy(sourceCode, value.right, depth + 1))
      );
    case AST_NODE_TYPES.Identifier:
      return isConstBoundToTruthy(sourceCode, value, depth);
    default:
      return false;
  }
}

function isJsonStringify(callee: TSESTree.Node): boolean {
  const inner = skipTypeWrappers(callee);
  return (
    inner.type === AST_NODE_TYPES.MemberExpression &&
    inner.object.type === AST_NODE_TYPES.Identifier &&
    inner.object.name === 'JSON' &&
    staticMemberName(inner) === 'stringify'
  );
}

function isNonEmptyString(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  if (value.type === AST_NODE_TYPES.Literal) return typeof value.value === 'string' && value.value !== '';
  return value.type === AST_NODE_TYPES.TemplateLiteral && value.quasis.some((quasi) => (quasi.value.cooked ?? '') !== '');
}

/** `const fresh = { ... }` (never reassigned) and then `cache.set(key, fresh)`. */
function isConstBoundToTruthy(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier, depth: number): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier.name);
  if (!variable || variable.defs.length !== 1) return false;
  const [definition] = variable.defs;
  if (definition?.type !== 'Variable' || definition.node.type !== AST_NODE_TYPES.VariableDeclarator) return false;
  const declarator = definition.node;
  if (declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return false;
  if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return false;
  return cannotBeFalsy(sourceCode, declarator.init, depth + 1);
}
