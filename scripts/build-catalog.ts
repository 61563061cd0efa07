// Writes runtime/catalog.json from runtime/src headers and runtime/releases/*.json.
// `--release` also snapshots the current files as runtime/releases/<version>.json, the merge
// bases that `bulwark update` needs for copies inserted from this version.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCatalog, type Release, type SourceFile } from '../src/engine/catalog-build';

const root = join(import.meta.dirname, '..');
const sourceDir = join(root, 'runtime', 'src');
const releaseDir = join(root, 'runtime', 'releases');

function listSources(dir: string): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const full = join(entry.parentPath, entry.name);
      return { path: relative(sourceDir, full).split('\\').join('/'), content: readFileSync(full, 'utf8') };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

const releases: Release[] = existsSync(releaseDir)
  ? readdirSync(releaseDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(releaseDir, name), 'utf8')) as Release)
  : [];
const version = (JSON.parse(readFileSync(join(root, 'runtime', 'package.json'), 'utf8')) as { version: string }).version;
const catalog = buildCatalog(listSources(sourceDir), version, releases);
writeFileSync(join(root, 'runtime', 'catalog.json'), `${JSON.stringify(catalog, null, 1)}\n`);

if (process.argv.includes('--release')) {
  mkdirSync(releaseDir, { recursive: true });
  const snapshot: Release = { version, files: Object.fromEntries(catalog.files.map((file) => [file.id, file.content])) };
  writeFileSync(join(releaseDir, `${version}.json`), `${JSON.stringify(snapshot, null, 1)}\n`);
}
console.log(`catalog: ${catalog.files.length} files, version ${version}, ${Object.keys(catalog.history).length} known contents`);
