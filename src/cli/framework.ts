// Which framework adapter `add` includes for patterns that have them (middleware/express…):
// the one asked for, else the one the project depends on; never a guess between several.
import { coreFile, FRAMEWORKS, frameworkVariants, type Catalog, type Framework } from '../engine/catalog';
import { frameworksOf, type PackageJson } from '../engine/project';
import { humanList, UsageError } from './output';

export interface FrameworkChoice {
  readonly framework?: Framework;
  /** Patterns added without an adapter because the project depends on no supported framework. */
  readonly coreOnly: readonly string[];
}

export function chooseFramework(catalog: Catalog, names: readonly string[], requested: Framework | undefined, manifest: PackageJson | undefined): FrameworkChoice {
  const adapted = names.filter((name) => !name.includes('/') && frameworkVariants(catalog, name).length > 0);
  const available = (name: string) => frameworkVariants(catalog, name).flatMap((file) => (file.framework ? [file.framework] : []));
  if (adapted.length === 0) return { coreOnly: [] };

  if (requested) {
    for (const name of adapted) {
      if (!available(name).includes(requested)) throw new UsageError(`${name} has no ${requested} adapter (it has ${humanList(available(name))})`);
    }
    return { framework: requested, coreOnly: [] };
  }

  const offered = FRAMEWORKS.filter((framework) => adapted.some((name) => available(name).includes(framework)));
  const inProject = frameworksOf(manifest).filter((framework) => offered.includes(framework));
  if (inProject.length === 1) return { framework: inProject[0], coreOnly: [] };
  if (inProject.length > 1) {
    throw new UsageError(`package.json depends on ${humanList(inProject)}: choose the adapter with ${inProject.map((f) => `--framework ${f}`).join(' or ')}`);
  }
  const withoutCore = adapted.filter((name) => !coreFile(catalog, name));
  if (withoutCore.length) {
    throw new UsageError(`${withoutCore[0]} needs a framework adapter and package.json depends on none: pass --framework ${available(withoutCore[0] ?? '').join('|')}`);
  }
  return { coreOnly: adapted };
}
