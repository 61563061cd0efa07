// Builds the catalog from runtime sources, checking every header against the code it heads.
import { createHash } from 'node:crypto';
import { FRAMEWORKS, type Catalog, type CatalogFile, type Framework, type ReleasedFile } from './catalog';
import { importSpecifiers, packageOf, parseHeader } from './header';

export interface SourceFile {
  /** Path under runtime/src, with `/` separators, e.g. `cache/redis.ts`. */
  readonly path: string;
  readonly content: string;
}

export interface Release {
  readonly version: string;
  readonly files: Readonly<Record<string, string>>;
}

/** The order patterns are offered in: the ten patterns, then the shared helpers. */
export const PATTERN_ORDER = [
  'repository', 'result', 'middleware', 'cache', 'retry', 'rate-limit', 'errors', 'background', 'outbox', 'container', 'log', 'concurrency',
];

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(readonly problems: readonly string[]) {
    super(`catalog: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Resolves a relative import of `fromId` to a catalog id (`../log.js` from `cache/redis` → `log`). */
function resolveRelative(fromId: string, specifier: string): string {
  const parts = fromId.split('/').slice(0, -1);
  for (const segment of specifier.replace(/\.(js|ts)$/, '').split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

function typesPackageOf(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

export function buildCatalog(sources: readonly SourceFile[], version: string, releases: readonly Release[] = []): Catalog {
  const problems: string[] = [];
  const files: CatalogFile[] = [];
  for (const source of sources) {
    const content = source.content.replace(/\r\n/g, '\n');
    const id = source.path.replace(/\.ts$/, '');
    let header;
    try {
      header = parseHeader(content, `runtime/src/${source.path}`);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    const where = `runtime/src/${source.path}`;
    if (header.id !== id) problems.push(`${where}: header names "${header.id}", but the file's id is "${id}"`);
    const specifiers = importSpecifiers(content);
    const imported = specifiers.filter((s) => s.startsWith('.')).map((s) => resolveRelative(id, s));
    if (!sameSet(imported, header.patterns)) {
      problems.push(`${where}: "Patterns used: ${header.patterns.join(', ') || 'none'}" but it imports ${imported.join(', ') || 'none'}`);
    }
    const packages = [...new Set(specifiers.map(packageOf).filter((name): name is string => name !== undefined))];
    const declaredRuntime = header.packages.filter((need) => !need.dev).map((need) => need.name);
    for (const name of packages) {
      // A type-only import is covered by declaring the package's @types package instead.
      if (!header.packages.some((need) => need.name === name || need.name === typesPackageOf(name))) problems.push(`${where}: imports package "${name}" that its header does not declare`);
    }
    for (const name of declaredRuntime) {
      if (!packages.includes(name)) problems.push(`${where}: header declares package "${name}" that it does not import`);
    }
    const last = id.split('/').at(-1) ?? '';
    const framework = id.includes('/') && (FRAMEWORKS as readonly string[]).includes(last) ? (last as Framework) : undefined;
    files.push({
      id,
      pattern: id.split('/')[0] ?? id,
      ...(framework ? { framework } : {}),
      summary: header.summary,
      uses: header.patterns,
      packages: header.packages,
      content,
      sha256: sha256(content),
    });
  }
  for (const file of files) {
    for (const used of file.uses) {
      if (!files.some((other) => other.id === used)) problems.push(`runtime/src/${file.id}.ts: uses "${used}", which is not a runtime file`);
    }
  }
  if (problems.length) throw new CatalogError(problems);

  const rank = (id: string) => {
    const index = PATTERN_ORDER.indexOf(id.split('/')[0] ?? id);
    return index === -1 ? PATTERN_ORDER.length : index;
  };
  files.sort((a, b) => rank(a.id) - rank(b.id) || (a.id.includes('/') ? 1 : 0) - (b.id.includes('/') ? 1 : 0) || a.id.localeCompare(b.id));

  const history: Record<string, ReleasedFile> = {};
  for (const release of releases) {
    for (const [id, content] of Object.entries(release.files)) history[sha256(content)] ??= { id, version: release.version, content };
  }
  for (const file of files) history[file.sha256] ??= { id: file.id, version, content: file.content };
  return { version, files, history };
}
