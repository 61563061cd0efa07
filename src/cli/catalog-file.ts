// Loads the catalog the CLI ships with (dist/catalog.json, beside the bundle). BULWARK_CATALOG
// points at another one: tests use it to simulate older and newer releases.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog } from '../engine/catalog';
import { CliError } from './output';

export function catalogPath(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.BULWARK_CATALOG ? resolve(cwd, env.BULWARK_CATALOG) : join(__dirname, 'catalog.json');
}

export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the pattern catalog at ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`the pattern catalog at ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const catalog = value as Partial<Catalog> | null;
  if (!catalog || typeof catalog.version !== 'string' || !Array.isArray(catalog.files) || typeof catalog.history !== 'object') {
    throw new CliError(`the pattern catalog at ${path} is not a Bulwark catalog (expected version, files and history)`);
  }
  return catalog as Catalog;
}
