/**
 * Adding a property to an object literal the way the file writes its objects: on its own line
 * with the last property's indentation and the file's line ending when the object spans lines,
 * keeping a trailing comma when the object has one, and never separating a property from the
 * comment at the end of its line.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** The line ending the file uses (`\r\n` when its first line break is one). */
export function lineEnding(sourceCode: SourceCode): '\n' | '\r\n' {
  const text = sourceCode.text;
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
}

/** The whitespace that starts the line `node` starts on. */
export function indentationOf(sourceCode: SourceCode, node: TSESTree.Node | TSESTree.Token): string {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

/** Where `token`'s line ends for an insertion: after `token` and any comment on the same line. */
export function endOfLineAfter(sourceCode: SourceCode, token: TSESTree.Token | TSESTree.Node): number {
  let end = token.range[1];
  const line = token.loc.end.line;
  for (const comment of sourceCode.getCommentsAfter(token)) {
    if (comment.loc.start.line !== line) break;
    end = comment.range[1];
  }
  return end;
}

export function addObjectProperty(sourceCode: SourceCode, object: TSESTree.ObjectExpression, property: string): TSESLint.ReportFixFunction {
  const last = object.properties.at(-1);
  const open = sourceCode.getFirstToken(object)!;
  const close = sourceCode.getLastToken(object)!;
  if (!last) {
    // `{}` or `{ /* none */ }`: keep whatever comments the braces hold.
    if (sourceCode.getCommentsInside(object).length === 0) return (fixer) => fixer.replaceText(object, `{ ${property} }`);
    return (fixer) => fixer.insertTextAfter(open, ` ${property},`);
  }
  const after = sourceCode.getTokenAfter(last);
  const trailingComma = after?.value === ',' ? after : undefined;
  const multiline = close.loc.start.line > last.loc.end.line;
  if (!multiline) {
    if (trailingComma) return (fixer) => fixer.insertTextAfter(trailingComma, ` ${property},`);
    return (fixer) => fixer.insertTextAfter(last, `, ${property}`);
  }
  const eol = lineEnding(sourceCode);
  const indent = indentationOf(sourceCode, last);
  if (trailingComma) {
    const at = endOfLineAfter(sourceCode, trailingComma);
    return (fixer) => fixer.insertTextAfterRange([at, at], `${eol}${indent}${property},`);
  }
  // No trailing comma: add the separator after the last property, the new one on the next line.
  const at = endOfLineAfter(sourceCode, last);
  if (at === last.range[1]) return (fixer) => fixer.insertTextAfter(last, `,${eol}${indent}${property}`);
  return (fixer) => [fixer.insertTextAfter(last, ','), fixer.insertTextAfterRange([at, at], `${eol}${indent}${property}`)];
}

export function isObjectExpression(node: TSESTree.Node | undefined): node is TSESTree.ObjectExpression {
  return node?.type === AST_NODE_TYPES.ObjectExpression;
}
