// Facts about the user's project that insertion needs: its package manager, its web framework,
// and which npm packages it still lacks.
import { FRAMEWORKS, type Framework } from './catalog';
import { BulwarkError } from './errors';
import type { PackageNeed } from './header';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

const LOCKFILES: ReadonlyArray<readonly [string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** The package manager a project's lockfile shows; `packageManager` in package.json breaks ties. */
export function detectPackageManager(fileNames: readonly string[], manifest?: PackageJson): PackageManager {
  const declared = manifest?.packageManager?.split('@')[0];
  if (declared === 'npm' || declared === 'pnpm' || declared === 'yarn' || declared === 'bun') return declared;
  for (const [lockfile, manager] of LOCKFILES) if (fileNames.includes(lockfile)) return manager;
  return 'npm';
}

export function installCommand(manager: PackageManager, packages: readonly PackageNeed[]): string[] {
  const add = manager === 'npm' ? 'install' : 'add';
  const commands: string[] = [];
  const runtime = packages.filter((need) => !need.dev).map((need) => need.name);
  const dev = packages.filter((need) => need.dev).map((need) => need.name);
  if (runtime.length) commands.push([manager, add, ...runtime].join(' '));
  if (dev.length) commands.push([manager, add, '-D', ...dev].join(' '));
  return commands;
}

export interface PackageJson {
  readonly name?: string;
  readonly packageManager?: string;
  readonly type?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

export class ManifestError extends BulwarkError {
  override readonly name = 'ManifestError';
}

export function parsePackageJson(text: string, path = 'package.json'): PackageJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(`${path} must contain a JSON object`);
  }
  return value as PackageJson;
}

function declared(manifest: PackageJson | undefined): Set<string> {
  return new Set([
    ...Object.keys(manifest?.dependencies ?? {}),
    ...Object.keys(manifest?.devDependencies ?? {}),
    ...Object.keys(manifest?.peerDependencies ?? {}),
  ]);
}

export function missingPackages(manifest: PackageJson | undefined, needs: readonly PackageNeed[]): PackageNeed[] {
  const have = declared(manifest);
  return needs.filter((need) => !have.has(need.name));
}

/** The web frameworks the project depends on, in the catalog's order. */
export function frameworksOf(manifest: PackageJson | undefined): Framework[] {
  const have = declared(manifest);
  return FRAMEWORKS.filter((framework) => have.has(framework));
}
