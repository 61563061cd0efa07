// Which framework adapter `add` includes for patterns that have them (middleware/express…): the
// one asked for, else the one package.json depends on; with none or several, the prompter decides
// (the CLI answers from its flags, the extension asks with a QuickPick).
import { coreFile, frameworkVariants, type Catalog, type Framework } from './catalog';
import { BulwarkError } from './errors';
import type { Prompter } from './ports';
import { frameworksOf, type PackageJson } from './project';

export type FrameworkChoice =
  | { readonly kind: 'chosen'; readonly framework?: Framework; /** Patterns added without their adapter. */ readonly coreOnly: readonly string[] }
  | { readonly kind: 'cancelled' };

function humanList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export async function chooseFramework(
  catalog: Catalog,
  names: readonly string[],
  requested: Framework | undefined,
  manifest: PackageJson | undefined,
  prompter: Pick<Prompter, 'chooseFramework'>,
): Promise<FrameworkChoice> {
  const adapted = names.filter((name) => !name.includes('/') && frameworkVariants(catalog, name).length > 0);
  const available = (name: string) => frameworkVariants(catalog, name).flatMap((file) => (file.framework ? [file.framework] : []));
  if (adapted.length === 0) return { kind: 'chosen', coreOnly: [] };

  if (requested) {
    for (const name of adapted) {
      if (!available(name).includes(requested)) throw new BulwarkError(`${name} has no ${requested} adapter (it has ${humanList(available(name))})`, 'usage');
    }
    return { kind: 'chosen', framework: requested, coreOnly: [] };
  }
  // In catalog order, as the adapters are listed everywhere else.
  const offered = [...new Set(adapted.flatMap(available))];
  const inProject = frameworksOf(manifest).filter((framework) => offered.includes(framework));
  if (inProject.length === 1) return { kind: 'chosen', framework: inProject[0], coreOnly: [] };

  const coreOnlyPossible = adapted.every((name) => coreFile(catalog, name) !== undefined);
  const answer = await prompter.chooseFramework({ patterns: adapted, offered, inProject, coreOnlyPossible });
  if (answer === undefined) return { kind: 'cancelled' };
  if (answer === 'none') {
    if (!coreOnlyPossible) throw new BulwarkError(`${adapted.find((name) => !coreFile(catalog, name))} needs a framework adapter`, 'usage');
    return { kind: 'chosen', coreOnly: adapted };
  }
  return { kind: 'chosen', framework: answer, coreOnly: [] };
}
