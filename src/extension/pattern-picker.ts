// The QuickPicks of "Insert Pattern…": which pattern, and which framework adapter when the
// workspace's package.json does not settle it.
import * as vscode from 'vscode';
import { addOns, coreFile, dependencyClosure, fileById, frameworkVariants, packagesOf, patternNames, type Catalog, type CatalogFile, type Framework } from '../engine/catalog';
import type { PackageJson } from '../engine/project';
import { frameworksOf } from '../engine/project';

interface PatternItem extends vscode.QuickPickItem {
  readonly name: string;
}

function needsOf(catalog: Catalog, file: CatalogFile): string {
  const closure = dependencyClosure(catalog, [file]).filter((other) => other !== file);
  const patterns = closure.map((other) => other.id);
  const packages = packagesOf([file, ...closure]).filter((need) => !need.dev).map((need) => need.name);
  const parts = [patterns.length ? `with ${patterns.join(', ')}` : '', packages.length ? `npm: ${packages.join(', ')}` : 'no npm packages'];
  return parts.filter(Boolean).join(' · ');
}

export async function pickPattern(catalog: Catalog): Promise<string | undefined> {
  const items: Array<PatternItem | vscode.QuickPickItem> = [];
  for (const pattern of patternNames(catalog)) {
    const core = coreFile(catalog, pattern);
    const variants = frameworkVariants(catalog, pattern);
    if (core) {
      const adapters = variants.length ? ` · adapters: ${variants.map((v) => v.framework).join(', ')}` : '';
      items.push({ name: pattern, label: pattern, description: core.summary, detail: needsOf(catalog, core) + adapters });
    }
    for (const addOn of addOns(catalog, pattern)) {
      items.push({ name: addOn.id, label: addOn.id, description: addOn.summary, detail: needsOf(catalog, addOn) });
    }
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Bulwark: Insert Pattern',
    placeHolder: 'Pick a tested pattern to copy into your project',
    matchOnDescription: true,
  });
  return picked && 'name' in picked ? picked.name : undefined;
}

const NO_ADAPTER = 'none';

/**
 * The framework adapter to add for `name`: none when it has no adapters or names a file
 * already; the one the project depends on; else the user's choice (undefined = cancelled).
 */
export async function chooseFramework(
  catalog: Catalog,
  name: string,
  manifest: PackageJson | undefined,
  requested: Framework | undefined,
): Promise<Framework | typeof NO_ADAPTER | undefined> {
  const variants = name.includes('/') ? [] : frameworkVariants(catalog, name);
  if (variants.length === 0) return NO_ADAPTER;
  const available = variants.map((variant) => variant.framework as Framework);
  if (requested) {
    if (!available.includes(requested)) throw new Error(`Bulwark: ${name} has no ${requested} adapter (it has ${available.join(', ')}).`);
    return requested;
  }
  const used = frameworksOf(manifest).filter((framework) => available.includes(framework));
  if (used.length === 1) return used[0];
  const picked = await vscode.window.showQuickPick(
    [
      ...available.map((framework) => ({ label: framework, description: fileById(catalog, `${name}/${framework}`)?.summary })),
      { label: NO_ADAPTER, description: 'only the framework-neutral core' },
    ],
    { title: `Bulwark: ${name} for which framework?`, placeHolder: used.length ? 'The project depends on several' : 'No Express, Hono or Fastify dependency found' },
  );
  return picked?.label as Framework | typeof NO_ADAPTER | undefined;
}
