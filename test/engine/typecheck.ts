// Type-checks what a quick fix produced: the user's file beside the real retry and concurrency
// patterns (runtime/src, with a stand-in for the logger they import), in a small in-memory project
// compiled strict under NodeNext or Bundler resolution. Lib files are parsed once and shared.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type Resolution = 'nodenext' | 'bundler';

const ROOT = '/project';
const runtime = (file: string) => readFileSync(path.join(import.meta.dirname, '../../runtime/src', file), 'utf8');
const LOG_STAND_IN = `export const logger = { warn(_fields: object, _message: string): void {}, info(_fields: object, _message: string): void {} };\n`;

/** The patterns a quick fix may import, as inserted into `src/patterns`. */
export const PATTERN_FILES: Readonly<Record<string, string>> = {
  'src/patterns/retry.ts': runtime('retry.ts'),
  'src/patterns/concurrency.ts': runtime('concurrency.ts'),
  'src/patterns/log.ts': LOG_STAND_IN,
};

/** Ambient declarations the test documents may use (a p-retry stand-in, another retry library, JSX for .tsx documents). */
const AMBIENT = `declare module 'p-retry' { export default function pRetry<T>(fn: () => Promise<T>, options?: { retries?: number }): Promise<T>; }
declare module 'other-retry' { export function retry<T>(fn: () => T): T; export type Options = { tries: number }; }
declare namespace JSX { interface Element {} interface IntrinsicElements { [name: string]: Record<string, unknown> } }
`;

const libCache = new Map<string, ts.SourceFile | undefined>();

function options(resolution: Resolution): ts.CompilerOptions {
  return {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    noUnusedLocals: false,
    allowJs: false,
    // .tsx documents: JSX is kept as written; the ambient JSX namespace types its elements.
    jsx: ts.JsxEmit.Preserve,
    ...(resolution === 'nodenext'
      ? { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }
      : { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }),
  };
}

/**
 * Diagnostics (formatted `file(line,col): TSxxxx message`) of a project holding `files` (paths
 * relative to the project root) and the pattern files; `packageType` goes to package.json.
 */
export function typecheck(files: Readonly<Record<string, string>>, resolution: Resolution, packageType: 'module' | 'commonjs' = 'module'): string[] {
  const memory = new Map<string, string>(
    Object.entries({ ...PATTERN_FILES, 'src/ambient.d.ts': AMBIENT, ...files, 'package.json': JSON.stringify({ type: packageType }) }).map(([file, text]) => [
      `${ROOT}/${file}`,
      text,
    ]),
  );
  const compilerOptions = options(resolution);
  const host = ts.createCompilerHost(compilerOptions);
  const defaultGetSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const text = memory.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    const key = `${fileName}|${JSON.stringify(languageVersion)}`;
    if (!libCache.has(key)) libCache.set(key, defaultGetSourceFile(fileName, languageVersion, onError));
    return libCache.get(key);
  };
  host.fileExists = (fileName) => memory.has(fileName) || (!fileName.startsWith(ROOT) && ts.sys.fileExists(fileName));
  host.readFile = (fileName) => memory.get(fileName) ?? (fileName.startsWith(ROOT) ? undefined : ts.sys.readFile(fileName));
  host.directoryExists = (dir) => [...memory.keys()].some((file) => file.startsWith(`${dir}/`)) || (!dir.startsWith(ROOT) && ts.sys.directoryExists(dir));
  host.getCurrentDirectory = () => ROOT;
  host.writeFile = () => {};
  const program = ts.createProgram({ rootNames: [...memory.keys()].filter((file) => /\.[cm]?tsx?$/.test(file)), options: compilerOptions, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName.slice(ROOT.length + 1)}(${line + 1},${character + 1}): TS${diagnostic.code} ${message}`;
  });
}
