// The QuickPick of "Insert Pattern…" that asks which pattern (the framework question is the
// engine's, asked through quick-pick-prompter.ts).
import * as vscode from 'vscode';
import { addOns, coreFile, dependencyClosure, frameworkVariants, packagesOf, patternNames, type Catalog, type CatalogFile } from '../engine/catalog';

interface PatternItem extends vscode.QuickPickItem {
  readonly name: string;
}

function needsOf(catalog: Catalog, file: CatalogFile): string {
  const closure = dependencyClosure(catalog, [file]).filter((other) => other !== file);
  const patterns = closure.map((other) => other.id);
  const packages = packagesOf([file, ...closure])
    .filter((need) => !need.dev)
    .map((need) => need.name);
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
