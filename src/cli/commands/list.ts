// `bulwark list`: every pattern with its summary, the patterns it uses, the npm packages it
// needs, and its framework adapters and add-ons.
import { addOns, coreFile, frameworkVariants, packagesOf, patternNames, resolveSelection, type Catalog } from '../../engine/catalog';
import type { PackageNeed } from '../../engine/header';
import { parseCommandArgs } from '../args';
import { BulwarkError } from '../../engine/errors';
import type { Io } from '../output';

export const LIST_HELP = `Usage: bulwark list [--json]

Lists every pattern in the catalog: what it does, the patterns it uses (added with it),
the npm packages it needs, and its framework adapters and add-ons.

Options:
  --json       machine-readable output
  -h, --help   show this help`;

export interface PatternListing {
  readonly name: string;
  readonly summary: string;
  /** Other patterns its files use (added with it by \`bulwark add\`). */
  readonly uses: string[];
  readonly packages: PackageNeed[];
  readonly frameworks: string[];
  /** File ids of optional parts, e.g. \`cache/redis\`. */
  readonly addOns: string[];
  readonly files: string[];
}

export function listPatterns(catalog: Catalog): PatternListing[] {
  return patternNames(catalog).map((name) => {
    const own = catalog.files.filter((file) => file.pattern === name);
    const core = coreFile(catalog, name);
    const closure = resolveSelection(catalog, { names: own.map((file) => file.id) });
    return {
      name,
      summary: (core ?? own[0])?.summary ?? '',
      uses: [...new Set(closure.map((file) => file.pattern))].filter((pattern) => pattern !== name),
      packages: packagesOf(core ? resolveSelection(catalog, { names: [name] }) : closure),
      frameworks: frameworkVariants(catalog, name).flatMap((file) => (file.framework ? [file.framework] : [])),
      addOns: addOns(catalog, name).map((file) => file.id),
      files: own.map((file) => file.id),
    };
  });
}

export function runList(catalog: Catalog, args: readonly string[], io: Io): number {
  const { values, positionals } = parseCommandArgs('list', args, { json: { type: 'boolean' } });
  if (values.help) {
    io.out(LIST_HELP);
    return 0;
  }
  if (positionals.length) throw new BulwarkError(`bulwark list takes no arguments (got ${positionals.join(' ')})`, 'usage');
  const patterns = listPatterns(catalog);
  if (values.json) {
    io.out(JSON.stringify({ version: catalog.version, patterns }, null, 2));
    return 0;
  }
  const { bold, dim, cyan } = io.color;
  io.out(`${bold('Bulwark patterns')} ${dim(`(catalog ${catalog.version})`)}\n`);
  for (const pattern of patterns) {
    io.out(`${cyan(bold(pattern.name))}  ${pattern.summary}`);
    const details: string[] = [];
    if (pattern.uses.length) details.push(`uses: ${pattern.uses.join(', ')}`);
    if (pattern.packages.length) details.push(`packages: ${pattern.packages.map((need) => (need.dev ? `${need.name} (dev)` : need.name)).join(', ')}`);
    if (pattern.frameworks.length) details.push(`frameworks: ${pattern.frameworks.join(', ')}`);
    if (pattern.addOns.length) details.push(`add-ons: ${pattern.addOns.join(', ')}`);
    if (details.length) io.out(dim(`  ${details.join(' · ')}`));
  }
  io.out(`\nAdd one with ${bold('bulwark add <pattern>')}; framework adapters follow your package.json or --framework.`);
  return 0;
}
