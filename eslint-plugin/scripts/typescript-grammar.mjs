// TypeScript's own verdict on code a fix or suggestion wrote. typescript-estree accepts some code
// that tsc rejects (`retry(() => fetch(await url()))` is TS1308 only in tsc's checker), so the
// rule tests and the corpus check both ask TypeScript itself. A one-file program without its
// libraries cannot say anything true about types, so only the syntax and grammar codes (below
// 2000) count, plus the few semantic codes a careless splice causes with no lib at all.
import ts from 'typescript';

const GRAMMAR_CODES_BELOW = 2000;

/** Duplicate and conflicting declarations: what a suggestion adds when it shadows or collides. */
const INTRODUCED_BY_SPLICES = new Set([2300, 2440, 2451]);

/**
 * TypeScript's syntax and grammar diagnostics of `code` as the file `fileName`, as `TSnnnn: text`
 * lines. `forceModule` reads the file as a module even without import/export (the RuleTester's
 * cases are modules); without it TypeScript decides, as it does for a real project's file.
 */
export function typeScriptGrammarErrors(code, fileName, { forceModule = false } = {}) {
  const options = {
    noLib: true,
    noResolve: true,
    noEmit: true,
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    jsx: ts.JsxEmit.Preserve,
    types: [],
    ...(forceModule ? { moduleDetection: ts.ModuleDetectionKind.Force } : {}),
  };
  const sourceFile = ts.createSourceFile(fileName, code, ts.ScriptTarget.ESNext, true);
  const host = {
    getSourceFile: (name) => (name === fileName ? sourceFile : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName,
    readFile: (name) => (name === fileName ? code : undefined),
  };
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
  return diagnostics
    .filter((diagnostic) => diagnostic.code < GRAMMAR_CODES_BELOW || INTRODUCED_BY_SPLICES.has(diagnostic.code))
    .map((diagnostic) => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
}
