// Loads the catalog the CLI ships with (dist/catalog.json, beside the bundle), or the one
// BULWARK_CATALOG names; where to look and what counts as a catalog are the engine's rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../engine/catalog';
import { catalogLocation, parseCatalog, unreadableCatalog } from '../engine/catalog-file';

export function loadCatalog(env: NodeJS.ProcessEnv, cwd: string): Catalog {
  const location = catalogLocation(env, cwd, join(__dirname, 'catalog.json'));
  let text: string;
  try {
    text = readFileSync(location.path, 'utf8');
  } catch (error) {
    throw unreadableCatalog(location, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  return parseCatalog(text, location);
}
