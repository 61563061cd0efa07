/**
 * Helpers for suggestions that splice text into a file, so that the result parses whatever the
 * file's style: parenthesised expressions (`() => ({})`), statements without semicolons (ASI),
 * tabs or spaces, CRLF or LF line endings.
 */
import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** The file's line break: `\r\n` when its first line ends with one, else `\n`. */
export function lineBreakOf(sourceCode: SourceCode): string {
  const first = sourceCode.text.indexOf('\n');
  return first > 0 && sourceCode.text[first - 1] === '\r' ? '\r\n' : '\n';
}

/** The whitespace that starts the line `node` starts on (tabs stay tabs). */
export function indentationOf(sourceCode: SourceCode, node: TSESTree.Node | TSESTree.Token): string {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

/** The range of `node` including every pair of parentheses around it: `({})` for the object `{}`. */
export function rangeWithParentheses(sourceCode: SourceCode, node: TSESTree.Node): TSESTree.Range {
  let levels = 0;
  while (ASTUtils.isParenthesized(levels + 1, node, sourceCode)) levels += 1;
  let first = sourceCode.getFirstToken(node);
  let last = sourceCode.getLastToken(node);
  for (let level = 0; level < levels && first && last; level += 1) {
    first = sourceCode.getTokenBefore(first);
    last = sourceCode.getTokenAfter(last);
  }
  return first && last ? [first.range[0], last.range[1]] : node.range;
}

/**
 * Whether a statement can be followed by more code on the same line without a `;` being
 * inserted: it ends with `;` or `}` (a block, a function or class declaration, ...).
 */
export function endsStatement(sourceCode: SourceCode, statement: TSESTree.Node): boolean {
  const last = sourceCode.getLastToken(statement);
  return last?.value === ';' || (last?.value === '}' && !isExpressionEndingInBrace(statement));
}

/** `x = {}` or `f(() => {})` written without a semicolon ends with `}` but is still open to ASI hazards. */
function isExpressionEndingInBrace(statement: TSESTree.Node): boolean {
  return (
    statement.type === 'ExpressionStatement' ||
    statement.type === 'VariableDeclaration' ||
    statement.type === 'ReturnStatement' ||
    statement.type === 'ThrowStatement'
  );
}
