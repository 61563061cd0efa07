// `add`: the pattern files a request names, with everything they use, planned against the
// project. Decided here once for `bulwark add` and "Insert Pattern…":
//   missing                → created
//   same code              → left alone
//   untouched older copy   → updated (replacing it loses nothing), without asking
//   copy with user edits   → the prompter decides: overwrite, or keep it
import { posix } from 'node:path';
import { packagesOf, relativePathOf, resolveSelection, type Catalog, type CatalogFile, type Framework } from '../catalog';
import { inspectCopy } from '../copies';
import { chooseFramework } from '../framework-choice';
import type { PackageNeed } from '../header';
import type { EditedCopy, PlannedWrite, ProjectFs, Prompter } from '../ports';
import { installCommand, missingPackages } from '../project';
import type { ProjectSettings } from '../project-settings';
import { parseCopy, sameCode, withProvenance } from '../provenance';

export type AddVerdict = 'create' | 'identical' | 'update' | 'edited';

export interface AddedFile {
  readonly file: CatalogFile;
  /** Relative to the patterns folder. */
  readonly path: string;
  readonly verdict: AddVerdict;
  /** What it is written with (create, update; edited: what replacing would write). */
  readonly text?: string;
  readonly existing?: string;
  /** The version an existing copy came from, when known. */
  readonly baseVersion?: string;
  /** Whether the plan writes it. */
  readonly written: boolean;
}

export interface AddRequest {
  /** Pattern names or file ids. */
  readonly names: readonly string[];
  readonly framework?: Framework;
  /** Overwrite copies with the user's edits without asking (`--force`). */
  readonly overwriteEdited?: boolean;
}

export type AddResult =
  | { readonly kind: 'cancelled' }
  | {
      readonly kind: 'planned';
      readonly files: readonly AddedFile[];
      /** What the front-end writes, paths relative to the project root. */
      readonly writes: readonly PlannedWrite[];
      readonly framework?: Framework;
      /** Patterns added without their framework adapter. */
      readonly coreOnly: readonly string[];
      /** npm packages the files need that package.json lacks, and the commands that install them. */
      readonly missingPackages: readonly PackageNeed[];
      readonly installCommands: readonly string[];
    };

const WRITE_LABELS: Record<AddVerdict, string> = { create: 'created', update: 'updated', edited: 'overwritten', identical: 'unchanged' };

async function planFile(catalog: Catalog, fs: ProjectFs, patternsDir: string, file: CatalogFile): Promise<Omit<AddedFile, 'written'>> {
  const path = relativePathOf(file);
  const existing = await fs.readText(posix.join(patternsDir, path));
  if (existing === undefined) return { file, path, verdict: 'create', text: withProvenance(file, catalog.version) };
  if (sameCode(parseCopy(existing).body, file.content)) return { file, path, verdict: 'identical', existing };
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const text = withProvenance(file, catalog.version, eol);
  const report = inspectCopy(catalog, file, path, existing);
  const base = report.baseVersion !== undefined ? { baseVersion: report.baseVersion } : {};
  return { file, path, verdict: report.state === 'outdated' ? 'update' : 'edited', text, existing, ...base };
}

export async function add(catalog: Catalog, fs: ProjectFs, settings: ProjectSettings, request: AddRequest, prompter: Prompter): Promise<AddResult> {
  const choice = await chooseFramework(catalog, request.names, request.framework, settings.manifest, prompter);
  if (choice.kind === 'cancelled') return { kind: 'cancelled' };
  const selected = resolveSelection(catalog, { names: request.names, ...(choice.framework ? { framework: choice.framework } : {}) });
  const planned = await Promise.all(selected.map((file) => planFile(catalog, fs, settings.patternsDir, file)));

  const edited = planned.filter((file) => file.verdict === 'edited');
  let overwrite = request.overwriteEdited === true;
  if (edited.length && !overwrite) {
    const copies: EditedCopy[] = edited.map((file) => ({
      path: posix.join(settings.patternsDir, file.path),
      existing: file.existing ?? '',
      proposed: file.text ?? '',
      ...(file.baseVersion ? { baseVersion: file.baseVersion } : {}),
    }));
    overwrite = (await prompter.resolveEdited(copies)) === 'overwrite';
  }
  const files = planned.map((file): AddedFile => ({
    ...file,
    written: file.verdict === 'create' || file.verdict === 'update' || (file.verdict === 'edited' && overwrite),
  }));
  const writes = files
    .filter((file) => file.written)
    .map((file): PlannedWrite => ({
      path: posix.join(settings.patternsDir, file.path),
      text: file.text ?? '',
      exists: file.verdict !== 'create',
      label: WRITE_LABELS[file.verdict],
    }));

  const missing = missingPackages(settings.manifest, packagesOf(selected));
  return {
    kind: 'planned',
    files,
    writes,
    ...(choice.framework ? { framework: choice.framework } : {}),
    coreOnly: choice.coreOnly,
    missingPackages: missing,
    installCommands: installCommand(settings.packageManager, missing),
  };
}
