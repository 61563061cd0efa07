// Whether a rule's fix or suggestion leaves a file that still compiles: applied alone to the file,
// the output must re-parse with the file's own parser (espree for JavaScript, the TypeScript parser
// otherwise) and, for TypeScript, add no error TypeScript's own syntax and grammar check reports
// (typescript-grammar.mjs).
import { isTypeScript } from './npm-corpus.mjs';
import { typeScriptGrammarErrors } from './typescript-grammar.mjs';

/** The fix and every suggestion of `message`, with a label that says which one. */
export function fixesOf(message) {
  const fixes = message.fix ? [{ label: 'autofix', fix: message.fix }] : [];
  for (const suggestion of message.suggestions ?? []) fixes.push({ label: `suggestion "${suggestion.desc}"`, fix: suggestion.fix });
  return fixes;
}

export function applyFix(code, fix) {
  return code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);
}

/**
 * Checks every fix of `message` on `code`; returns one line per broken fix. `baseline` caches the
 * original file's own TypeScript diagnostics, so only errors a fix adds count.
 */
export function brokenFixes(corpusLinter, file, code, sourceType, message, baseline) {
  const broken = [];
  for (const { label, fix } of fixesOf(message)) {
    const output = applyFix(code, fix);
    const where = `${file.relativePath}:${message.line}:${message.column} ${message.ruleId} ${label}`;
    const parseError = corpusLinter.parseError(file, output, sourceType);
    if (parseError) {
      broken.push(`${where}: does not parse: ${parseError}`);
      continue;
    }
    if (!isTypeScript(file.path)) continue;
    baseline.errors ??= typeScriptGrammarErrors(code, file.path);
    const added = withoutEach(typeScriptGrammarErrors(output, file.path), baseline.errors);
    if (added.length) broken.push(`${where}: ${added.join('; ')}`);
  }
  return broken;
}

/** `after` minus `before`, as multisets. */
function withoutEach(after, before) {
  const remaining = [...before];
  return after.filter((item) => {
    const index = remaining.indexOf(item);
    if (index === -1) return true;
    remaining.splice(index, 1);
    return false;
  });
}
