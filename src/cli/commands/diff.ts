// `bulwark diff [pattern...]`: the state of each copy in the patterns folder against the
// catalog, with unified diffs for the copies you edited.
import type { Catalog } from '../../engine/catalog';
import type { CopyState } from '../../engine/copies';
import { check, projectPath, type CheckedCopy } from '../../engine/use-cases/check';
import { parseCommandArgs } from '../args';
import { loadProject } from '../config';
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

export function diffCopy(catalog: Catalog, report: CheckedCopy, path: string, color?: Io['color']): FileDiff {
  const result: FileDiff = {
    path,
    id: report.file.id,
    state: report.state,
    currentVersion: catalog.version,
    ...(report.baseVersion !== undefined ? { baseVersion: report.baseVersion } : {}),
    ...(report.neededBy ? { neededBy: report.neededBy } : {}),
  };
  if (report.body === undefined || report.state === 'up-to-date') return result;
  const options = color ? { color } : {};
  const toCurrent = unifiedDiff(report.body, report.file.content, { from: `${path} (yours)`, to: `${path} (bulwark ${catalog.version})` }, options);
  if (report.state !== 'edited' || report.baseContent === undefined) return { ...result, toCurrent };
  const yourChanges = unifiedDiff(report.baseContent, report.body, { from: `${path} (bulwark ${report.baseVersion})`, to: `${path} (yours)` }, options);
  return { ...result, yourChanges, toCurrent };
}

export async function runDiff(catalog: Catalog, args: readonly string[], io: Io): Promise<number> {
  const { values, positionals: names } = parseCommandArgs('diff', args, OPTIONS);
  if (values.help) {
    io.out(DIFF_HELP);
    return 0;
  }
  const project = await loadProject(io.cwd, { ...(values.dir !== undefined ? { dir: values.dir } : {}) });
  const folder = project.patterns;
  const { copies, unknown } = await check(catalog, project.fs, folder.path, names);
  const shown = (path: string) => project.fs.display(projectPath(folder.path, path));
  const files = copies.map((copy) => diffCopy(catalog, copy, shown(copy.path), values.json ? undefined : io.color));
  const notInCatalog = unknown.map((copy) => ({ path: shown(copy.path), id: copy.id }));
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
        if (file.yourChanges !== undefined)
          io.out(`\n${bold('Your changes')} ${dim(`(against bulwark ${file.baseVersion}):`)}\n${file.yourChanges || dim('(whitespace only)')}\n`);
        io.out(`${bold('Against the current version')} ${dim(`(bulwark ${catalog.version}):`)}\n${file.toCurrent || dim('(whitespace only)')}\n`);
        break;
    }
  }
  for (const copy of notInCatalog) io.out(`${padEnd(copy.path, width)}${dim(`names "${copy.id}", which catalog ${catalog.version} does not have`)}`);
  return exitCode;
}
