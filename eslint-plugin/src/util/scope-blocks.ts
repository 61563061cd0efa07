import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { type FunctionNode, isFunctionNode, walk } from './ast.js';

export interface ScopeBlocks {
  /** Every `catch` clause of the file. */
  readonly catchClauses: readonly TSESTree.CatchClause[];
  /** Every function, arrow function and function declaration of the file. */
  readonly functions: readonly FunctionNode[];
}

const blocksByAst = new WeakMap<TSESTree.Program, ScopeBlocks>();

/**
 * The file's catch clauses and functions, found through the scopes they open. Every catch clause
 * and every function has exactly one scope of its own kind, and the scope manager already lists
 * them: reading that list is cheaper than ESLint calling a listener on every function of the file
 * (and far cheaper than one on every call, where rules used to look for `.catch(fn)`). Several
 * rules ask, so the list is read once per file.
 */
export function scopeBlocks(sourceCode: Readonly<TSESLint.SourceCode>): ScopeBlocks {
  const program = sourceCode.ast;
  let blocks = blocksByAst.get(program);
  if (blocks) return blocks;
  const catchClauses: TSESTree.CatchClause[] = [];
  const functions: FunctionNode[] = [];
  const { scopeManager } = sourceCode;
  if (scopeManager) {
    for (const scope of scopeManager.scopes) {
      const block = scope.block as TSESTree.Node;
      if (scope.type === TSESLint.Scope.ScopeType.catch && block.type === AST_NODE_TYPES.CatchClause) {
        catchClauses.push(block);
      } else if (scope.type === TSESLint.Scope.ScopeType.function && isFunctionNode(block)) {
        // Not the Program, which is the block of the function scope Node wraps CommonJS in.
        functions.push(block);
      }
    }
  } else {
    walk(program, sourceCode.visitorKeys, (node) => {
      if (node.type === AST_NODE_TYPES.CatchClause) catchClauses.push(node);
      else if (isFunctionNode(node)) functions.push(node);
    });
  }
  blocks = { catchClauses, functions };
  blocksByAst.set(program, blocks);
  return blocks;
}

/**
 * The call `fn` is the only argument of, looking through `fn as T` and the like:
 * `promise.catch((error) => ...)` for the arrow function.
 */
export function callWithSoleArgument(fn: FunctionNode): TSESTree.CallExpression | undefined {
  let argument: TSESTree.Node = fn;
  while (argument.parent && isTypeWrapperOf(argument.parent, argument)) argument = argument.parent;
  const call = argument.parent;
  return call?.type === AST_NODE_TYPES.CallExpression && call.arguments.length === 1 && call.arguments[0] === argument
    ? call
    : undefined;
}

/** The wrappers `skipTypeWrappers` looks through, seen from the wrapped expression. */
function isTypeWrapperOf(parent: TSESTree.Node, child: TSESTree.Node): boolean {
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
