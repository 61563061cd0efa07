// `bulwark update [pattern...]`: brings copies up to the current catalog. Untouched copies are
// replaced; edited ones get a three-way merge (base: the version the copy came from; ours: your
// file; theirs: the current version), with conflict markers only where both changed the same
// lines. A user's edit is never dropped: it is merged, marked, or the file is left alone.
import type { Catalog } from '../../engine/catalog';
import { inspectCopy, planUpdate } from '../../engine/copies';
import { parseCommandArgs } from '../args';
import { loadProject, patternsFolder } from '../config';
import { displayPath, targetsOf } from '../copies-scan';
import { writeFileAtomic } from '../files';
import { padEnd, type Io } from '../output';
import { confirm } from '../prompt';

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

type Result = 'unchanged' | 'replaced' | 'merged' | 'conflicts' | 'kept' | 'created' | 'no-base' | 'unresolved';

interface FileUpdate {
  readonly result: Result;
  readonly absolute: string;
  readonly display: string;
  readonly text?: string;
  readonly detail?: string;
}

const CONFLICT_MARKERS = /^<{7} [^\n]*\n[\s\S]*?^>{7} /m;

export async function runUpdate(catalog: Catalog, args: readonly string[], io: Io): Promise<number> {
  const { values, positionals: names } = parseCommandArgs('update', args, OPTIONS);
  if (values.help) {
    io.out(UPDATE_HELP);
    return 0;
  }
  const project = loadProject(io.cwd);
  const folder = patternsFolder(project, io.cwd, values.dir);
  const { targets, unknown } = targetsOf(catalog, folder.absolute, names);
  if (!targets.length && !unknown.length) {
    io.out(`No Bulwark copies in ${folder.display}. Add one with \`bulwark add <pattern>\`.`);
    return 0;
  }

  const updates = targets.map((target): FileUpdate => {
    const display = displayPath(io.cwd, target.absolute);
    const report = inspectCopy(catalog, target.file, display, target.text);
    const base = { absolute: target.absolute, display };
    if (report.body !== undefined && CONFLICT_MARKERS.test(report.body)) {
      return { ...base, result: 'unresolved', detail: 'still has conflict markers from an earlier update; resolve them first' };
    }
    const outcome = planUpdate(catalog, report, target.text);
    switch (outcome.kind) {
      case 'unchanged':
        return { ...base, result: 'unchanged' };
      case 'created':
        return { ...base, result: 'created', text: outcome.text, ...(target.neededBy ? { detail: `needed by ${target.neededBy.join(', ')}` } : {}) };
      case 'replaced':
        return { ...base, result: 'replaced', text: outcome.text, detail: `${report.baseVersion} → ${catalog.version}, was untouched` };
      case 'no-base':
        return { ...base, result: 'no-base', detail: 'edited, and the version it came from is unknown to this catalog: left as is (re-add it with --force to take the current version)' };
      case 'merged':
        if (outcome.text === target.text) return { ...base, result: 'kept', detail: `your edits, already on ${catalog.version}` };
        return { ...base, result: 'merged', text: outcome.text, detail: `your edits + ${report.baseVersion} → ${catalog.version}` };
      case 'conflicts':
        return { ...base, result: 'conflicts', text: outcome.text, detail: `${outcome.conflicts} conflict${outcome.conflicts === 1 ? '' : 's'}: resolve the <<<<<<< markers` };
    }
  });

  const writes = updates.filter((update) => update.text !== undefined);
  const dryRun = values['dry-run'] === true;
  if (!dryRun && writes.length && io.interactive && !values.yes) {
    for (const update of writes) io.out(`  ${update.result.padEnd(10)} ${update.display}`);
    if (!(await confirm(`Write ${writes.length} file${writes.length === 1 ? '' : 's'}?`, true))) {
      io.err('Nothing written.');
      return 1;
    }
  }
  if (!dryRun) for (const update of writes) writeFileAtomic(update.absolute, update.text ?? '', update.display);

  io.out(`${dryRun ? 'Would update' : 'Updated'} ${io.color.bold(folder.display)} to catalog ${catalog.version}:`);
  const width = Math.max(...updates.map((update) => update.display.length)) + 2;
  const { green, yellow, red, dim } = io.color;
  const paint: Record<Result, (text: string) => string> = {
    unchanged: dim, kept: dim, replaced: green, created: green, merged: green, conflicts: red, unresolved: red, 'no-base': yellow,
  };
  for (const update of updates) {
    const label = update.result === 'no-base' ? 'kept' : update.result;
    io.out(`  ${padEnd(paint[update.result](label), 11)}${padEnd(update.display, width)}${update.detail ? dim(update.detail) : ''}`);
  }
  for (const copy of unknown) io.out(`  ${padEnd(yellow('kept'), 11)}${padEnd(displayPath(io.cwd, copy.absolute), width)}${dim(`names "${copy.id}", which catalog ${catalog.version} does not have`)}`);

  const attention = updates.filter((update) => update.result === 'conflicts' || update.result === 'unresolved' || update.result === 'no-base');
  if (attention.length) {
    io.err(red(`${attention.length} file${attention.length === 1 ? ' needs' : 's need'} your attention: ${attention.map((update) => update.display).join(', ')}`));
    return 1;
  }
  return 0;
}
