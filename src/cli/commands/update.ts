// `bulwark update [pattern...]`: brings copies up to the current catalog. Untouched copies are
// replaced; edited ones get a three-way merge (base: the version the copy came from; ours: your
// file; theirs: the current version), with conflict markers only where both changed the same
// lines. A user's edit is never dropped: it is merged, marked, or the file is left alone.
import type { Catalog } from '../../engine/catalog';
import { needsAttention, update, type FileUpdate, type UpdateResultKind } from '../../engine/use-cases/update';
import { projectPath } from '../../engine/use-cases/check';
import { parseCommandArgs } from '../args';
import { loadProject } from '../config';
import { padEnd, type Io } from '../output';
import { confirmWrites } from '../terminal-prompter';
import { applyWrites } from '../write-plan';

export const UPDATE_HELP = `Usage: bulwark update [pattern...] [options]

Updates the copies in the patterns folder (all, or the named patterns) to the current
catalog version, and reports what happened to each file:
  replaced    an untouched older copy, replaced by the current version
  merged      your edits merged with the current version (three-way merge)
  conflicts   you and the catalog changed the same lines: the file has <<<<<<< markers
              showing both; edit it to keep what you want and remove the markers
  kept        edited, with nothing new to merge (or the version it came from is unknown)
  created     a file the patterns now need that was missing
  unchanged   already up to date

Exit code 1 when any file has conflicts or could not be updated.

Options:
  --dir <folder>   patterns folder (default: bulwark.json "patternsDir", else src/patterns)
  --dry-run        report what would happen, write nothing
  -y, --yes        do not ask for confirmation on a terminal
  -h, --help       show this help`;

const OPTIONS = {
  dir: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

export async function runUpdate(catalog: Catalog, args: readonly string[], io: Io): Promise<number> {
  const { values, positionals: names } = parseCommandArgs('update', args, OPTIONS);
  if (values.help) {
    io.out(UPDATE_HELP);
    return 0;
  }
  const project = await loadProject(io.cwd, { ...(values.dir !== undefined ? { dir: values.dir } : {}) });
  const folder = project.patterns;
  const plan = await update(catalog, project.fs, folder.path, names);
  if (!plan.files.length && !plan.unknown.length) {
    io.out(`No Bulwark copies in ${folder.display}. Add one with \`bulwark add <pattern>\`.`);
    return 0;
  }
  const shown = (path: string) => project.fs.display(projectPath(folder.path, path));
  const dryRun = values['dry-run'] === true;
  if (!dryRun && plan.writes.length && io.interactive && !values.yes) {
    for (const write of plan.writes) io.out(`  ${write.label.padEnd(10)} ${project.fs.display(write.path)}`);
  }
  if (!(await confirmWrites(io, plan.writes.length, { yes: values.yes === true, dryRun }))) {
    io.err('Nothing written.');
    return 1;
  }
  if (!dryRun) applyWrites(project.fs, plan.writes);

  io.out(`${dryRun ? 'Would update' : 'Updated'} ${io.color.bold(folder.display)} to catalog ${catalog.version}:`);
  const rows = plan.files.map((file) => ({ result: file.result, display: shown(file.path), detail: detailOf(file, catalog.version) }));
  const width = Math.max(...rows.map((row) => row.display.length), ...plan.unknown.map((copy) => shown(copy.path).length)) + 2;
  const { green, yellow, red, dim } = io.color;
  const paint: Record<UpdateResultKind, (text: string) => string> = {
    unchanged: dim,
    kept: dim,
    replaced: green,
    created: green,
    merged: green,
    conflicts: red,
    unresolved: red,
    'no-base': yellow,
  };
  for (const row of rows) {
    const label = row.result === 'no-base' ? 'kept' : row.result;
    io.out(`  ${padEnd(paint[row.result](label), 11)}${padEnd(row.display, width)}${row.detail ? dim(row.detail) : ''}`);
  }
  for (const copy of plan.unknown)
    io.out(`  ${padEnd(yellow('kept'), 11)}${padEnd(shown(copy.path), width)}${dim(`names "${copy.id}", which catalog ${catalog.version} does not have`)}`);

  const attention = rows.filter((row) => needsAttention(row.result));
  if (attention.length) {
    io.err(red(`${attention.length} file${attention.length === 1 ? ' needs' : 's need'} your attention: ${attention.map((row) => row.display).join(', ')}`));
    return 1;
  }
  return 0;
}

function detailOf(file: FileUpdate, version: string): string | undefined {
  switch (file.result) {
    case 'unchanged':
      return undefined;
    case 'created':
      return file.copy.neededBy ? `needed by ${file.copy.neededBy.join(', ')}` : undefined;
    case 'replaced':
      return `${file.copy.baseVersion} → ${version}, was untouched`;
    case 'no-base':
      return 'edited, and the version it came from is unknown to this catalog: left as is (re-add it with --force to take the current version)';
    case 'kept':
      return `your edits, already on ${version}`;
    case 'merged':
      return `your edits + ${file.copy.baseVersion} → ${version}`;
    case 'conflicts':
      return `${file.conflicts} conflict${file.conflicts === 1 ? '' : 's'}: resolve the <<<<<<< markers`;
    case 'unresolved':
      return 'still has conflict markers from an earlier update; resolve them first';
  }
}
