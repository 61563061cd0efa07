// `bulwark diff [pattern...]`: the state of each copy in the patterns folder against the
// catalog, with unified diffs for the copies you edited.
import type { Catalog } from '../../engine/catalog';
import { inspectCopy, type CopyState } from '../../engine/copies';
import { parseCommandArgs } from '../args';
import { loadProject, patternsFolder } from '../config';
import { displayPath, targetsOf, type Target } from '../copies-scan';
import { padEnd, type Io } from '../output';
import { unifiedDiff } from '../unified-diff';

export const DIFF_HELP = `Usage: bulwark diff [pattern...] [options]

Compares the copies in the patterns folder (found by their provenance line or Bulwark
header) with the catalog, and reports each file as:
  up to date   same code as the catalog
  outdated     an untouched copy of an older version: \`bulwark update\` replaces it safely
  edited       changed by you: shows your changes (against the version it came from) and
               how it differs from the current version; \`bulwark update\` merges
  missing      named, or needed by a copy, but not in the folder

Options:
  --dir <folder>   patterns folder (default: bulwark.json "patternsDir", else src/patterns)
  --json           machine-readable output
  --exit-code      exit with 1 when any file is not up to date (for CI)
  -h, --help       show this help`;

const OPTIONS = {
  dir: { type: 'string' },
  json: { type: 'boolean' },
  'exit-code': { type: 'boolean' },
} as const;

export interface FileDiff {
  readonly path: string;
  readonly id: string;
  readonly state: CopyState;
  /** The catalog version the copy came from, when known. */
  readonly baseVersion?: string;
  readonly currentVersion: string;
  /** For a missing file: the copies that need it. */
  readonly neededBy?: readonly string[];
  /** Edited copies: your changes, from the version the copy came from to your file. */
  readonly yourChanges?: string;
  /** Outdated and edited copies: from your file to the current version. */
  readonly toCurrent?: string;
}

export function diffTarget(catalog: Catalog, target: Target, cwd: string, color?: Io['color']): FileDiff {
  const path = displayPath(cwd, target.absolute);
  const report = inspectCopy(catalog, target.file, path, target.text);
  const result: FileDiff = {
    path,
    id: target.file.id,
    state: report.state,
    currentVersion: catalog.version,
    ...(report.baseVersion !== undefined ? { baseVersion: report.baseVersion } : {}),
    ...(target.neededBy ? { neededBy: target.neededBy } : {}),
  };
  if (report.body === undefined || report.state === 'up-to-date') return result;
  const options = color ? { color } : {};
  const toCurrent = unifiedDiff(report.body, target.file.content, { from: `${path} (yours)`, to: `${path} (bulwark ${catalog.version})` }, options);
  if (report.state !== 'edited' || report.baseContent === undefined) return { ...result, toCurrent };
  const yourChanges = unifiedDiff(report.baseContent, report.body, { from: `${path} (bulwark ${report.baseVersion})`, to: `${path} (yours)` }, options);
  return { ...result, yourChanges, toCurrent };
}

export function runDiff(catalog: Catalog, args: readonly string[], io: Io): number {
  const { values, positionals: names } = parseCommandArgs('diff', args, OPTIONS);
  if (values.help) {
    io.out(DIFF_HELP);
    return 0;
  }
  const project = loadProject(io.cwd);
  const folder = patternsFolder(project, io.cwd, values.dir);
  const { targets, unknown } = targetsOf(catalog, folder.absolute, names);
  const files = targets.map((target) => diffTarget(catalog, target, io.cwd, values.json ? undefined : io.color));
  const notInCatalog = unknown.map((copy) => ({ path: displayPath(io.cwd, copy.absolute), id: copy.id }));
  const exitCode = values['exit-code'] && (files.some((file) => file.state !== 'up-to-date') || notInCatalog.length) ? 1 : 0;

  if (values.json) {
    io.out(JSON.stringify({ version: catalog.version, folder: folder.display, files, notInCatalog }, null, 2));
    return exitCode;
  }
  if (!files.length && !notInCatalog.length) {
    io.out(`No Bulwark copies in ${folder.display}. Add one with \`bulwark add <pattern>\`.`);
    return exitCode;
  }
  const { green, yellow, red, dim, bold } = io.color;
  const width = Math.max(...files.map((file) => file.path.length), ...notInCatalog.map((copy) => copy.path.length)) + 2;
  for (const file of files) {
    const line = (text: string) => io.out(`${padEnd(file.path, width)}${text}`);
    switch (file.state) {
      case 'up-to-date':
        line(green('up to date'));
        break;
      case 'outdated':
        line(`${yellow('outdated')} ${dim(`untouched copy of ${file.baseVersion}; \`bulwark update\` replaces it with ${catalog.version}`)}`);
        break;
      case 'missing':
        line(`${red('missing')}${file.neededBy ? dim(` needed by ${file.neededBy.join(', ')}`) : ''}`);
        break;
      case 'edited':
        line(
          `${yellow('edited')} ${dim(file.yourChanges !== undefined ? `since ${file.baseVersion}; \`bulwark update\` merges ${catalog.version} into it` : 'and the version it came from is unknown to this catalog; `bulwark update` leaves it alone')}`,
        );
        if (file.yourChanges !== undefined) io.out(`\n${bold('Your changes')} ${dim(`(against bulwark ${file.baseVersion}):`)}\n${file.yourChanges || dim('(whitespace only)')}\n`);
        io.out(`${bold('Against the current version')} ${dim(`(bulwark ${catalog.version}):`)}\n${file.toCurrent || dim('(whitespace only)')}\n`);
        break;
    }
  }
  for (const copy of notInCatalog) io.out(`${padEnd(copy.path, width)}${dim(`names "${copy.id}", which catalog ${catalog.version} does not have`)}`);
  return exitCode;
}
