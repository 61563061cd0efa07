// Where the catalog comes from and whether a file is one: the shipped catalog.json beside the
// bundle, or the file BULWARK_CATALOG names (catalog development, version tests). A relative
// BULWARK_CATALOG resolves against the current directory of the process, in the CLI and in the
// extension alike.
import { isAbsolute, resolve } from 'node:path';
import type { Catalog } from './catalog';
import { BulwarkError } from './errors';

export const CATALOG_ENV = 'BULWARK_CATALOG';

export interface CatalogLocation {
  readonly path: string;
  /** Named by BULWARK_CATALOG rather than shipped. */
  readonly overridden: boolean;
}

export function catalogLocation(env: Readonly<Record<string, string | undefined>>, cwd: string, shippedPath: string): CatalogLocation {
  const override = env[CATALOG_ENV];
  if (!override) return { path: shippedPath, overridden: false };
  return { path: isAbsolute(override) ? override : resolve(cwd, override), overridden: true };
}

/** Describes a read failure of the catalog in one line. */
export function unreadableCatalog(location: CatalogLocation, reason: string): BulwarkError {
  return new BulwarkError(`cannot read the pattern catalog at ${location.path}: ${reason}`);
}

export function parseCatalog(text: string, location: CatalogLocation): Catalog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BulwarkError(`the pattern catalog at ${location.path} is not valid JSON: ${(error as Error).message}`);
  }
  const catalog = value as Partial<Catalog> | null;
  if (!catalog || typeof catalog.version !== 'string' || !Array.isArray(catalog.files) || typeof catalog.history !== 'object' || catalog.history === null) {
    throw new BulwarkError(`the pattern catalog at ${location.path} is not a Bulwark catalog (expected version, files and history)`);
  }
  return catalog as Catalog;
}
