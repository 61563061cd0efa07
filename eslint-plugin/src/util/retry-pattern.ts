/**
 * Where the project's copy of the Bulwark retry pattern is, so a suggestion can import it with a
 * specifier that resolves. The formats are the ones `bulwark add` writes (the plugin reads them
 * itself; it imports nothing from the extension):
 *   - `bulwark.json` at the project root: `patternsDir` (default `src/patterns`);
 *   - the copy `<patternsDir>/retry.ts` (or `.mts`, `.js`, `.mjs`), whose first lines hold its
 *     provenance record `// bulwark: retry@<version> sha256:<hash>` or the pattern header
 *     `Bulwark pattern: retry`.
 * The project root is the nearest folder above the linted file holding `bulwark.json`, else the
 * nearest holding `package.json`. Results are cached per folder for a few seconds, so a lint run
 * pays for a handful of `stat`s per folder and one read per project, and an editor session sees
 * a pattern inserted while it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, sep } from 'node:path';

export interface RetryPattern {
  /** Absolute path of the copy. */
  readonly file: string;
  /** package.json `"type"` at the project root. */
  readonly packageType: string | undefined;
}

const PROVENANCE = /^\/\/ bulwark: retry@\S+ sha256:[0-9a-f]{16,64}\b/m;
const HEADER = /^\s*\*\s*Bulwark pattern: retry\s*$/m;
const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const TTL_MS = 5000;
const MAX_LEVELS = 40;

interface Cached<T> {
  readonly value: T;
  readonly at: number;
}

const rootByDir = new Map<string, Cached<string | undefined>>();
const patternByRoot = new Map<string, Cached<RetryPattern | undefined>>();

function fresh<T>(entry: Cached<T> | undefined): entry is Cached<T> {
  return entry !== undefined && Date.now() - entry.at < TTL_MS;
}

function projectRoot(dir: string): string | undefined {
  const cached = rootByDir.get(dir);
  if (fresh(cached)) return cached.value;
  let root: string | undefined;
  let firstPackage: string | undefined;
  let current = dir;
  for (let level = 0; level < MAX_LEVELS; level++) {
    if (existsSync(join(current, 'bulwark.json'))) {
      root = current;
      break;
    }
    if (firstPackage === undefined && existsSync(join(current, 'package.json'))) firstPackage = current;
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  root ??= firstPackage;
  rootByDir.set(dir, { value: root, at: Date.now() });
  return root;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function loadPattern(root: string): RetryPattern | undefined {
  const config = existsSync(join(root, 'bulwark.json')) ? readJson(join(root, 'bulwark.json')) : undefined;
  const patternsDir = typeof config?.['patternsDir'] === 'string' && config['patternsDir'] ? config['patternsDir'] : 'src/patterns';
  for (const extension of EXTENSIONS) {
    const file = join(root, patternsDir, `retry${extension}`);
    if (!existsSync(file)) continue;
    let head: string;
    try {
      head = readFileSync(file, 'utf8').slice(0, 4000).replace(/\r\n/g, '\n');
    } catch {
      continue;
    }
    if (!PROVENANCE.test(head) && !HEADER.test(head)) continue;
    const packageJson = readJson(join(root, 'package.json'));
    const packageType = typeof packageJson?.['type'] === 'string' ? packageJson['type'] : undefined;
    return { file, packageType };
  }
  return undefined;
}

/** The project's retry pattern for the file at `filename`, when it has one. */
export function findRetryPattern(filename: string): RetryPattern | undefined {
  if (!isAbsolute(filename)) return undefined;
  const root = projectRoot(dirname(filename));
  if (root === undefined) return undefined;
  const cached = patternByRoot.get(root);
  if (fresh(cached)) return cached.value;
  const pattern = loadPattern(root);
  patternByRoot.set(root, { value: pattern, at: Date.now() });
  return pattern;
}

/**
 * The specifier that imports `pattern` from `filename`: a relative path (bulwark.json's
 * `importStyle` alias would need the tsconfig `paths` behind it; a relative path resolves under
 * every setting), ending in `.js` when the importing file's module system needs it (an
 * `.mts`/`.mjs` file, relative imports in the file that already end in `.js`, or a
 * `"type": "module"` package with no relative import to learn from).
 */
export function retryPatternSpecifier(pattern: RetryPattern, filename: string, fileText: string): string {
  const patternExtension = extname(pattern.file);
  let path = relative(dirname(filename), pattern.file).split(sep).join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  const bare = path.slice(0, -patternExtension.length);
  if (patternExtension === '.js' || patternExtension === '.mjs') return `${bare}${patternExtension}`;
  const ownExtension = extname(filename);
  const relativeImports = [...fileText.matchAll(/\bfrom\s*['"](\.{1,2}\/[^'"\n]*)['"]|\brequire\(\s*['"](\.{1,2}\/[^'"\n]*)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
  const jsExtension =
    ownExtension === '.mts' ||
    ownExtension === '.mjs' ||
    (relativeImports.length > 0 ? relativeImports.some((specifier) => /\.[cm]?js$/.test(specifier)) : pattern.packageType === 'module');
  return jsExtension ? `${bare}${patternExtension === '.mts' ? '.mjs' : '.js'}` : bare;
}
