// `bulwark add <pattern...>`: writes the patterns and everything they import into the patterns
// folder, then says which npm packages they need (and installs them with --install).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FRAMEWORKS, packagesOf, resolveSelection, UnknownPatternError, type Catalog } from '../../engine/catalog';
import { inspectCopy } from '../../engine/copies';
import { planInsert } from '../../engine/insert';
import { installCommand, missingPackages } from '../../engine/project';
import { oneOf, parseCommandArgs } from '../args';
import { loadProject, patternsFolder, type PatternsFolder, type Project } from '../config';
import { displayPath } from '../copies-scan';
import { readIfExists, writeFileAtomic } from '../files';
import { chooseFramework } from '../framework';
import { CliError, humanList, padEnd, UsageError, type Io } from '../output';
import { confirm } from '../prompt';

export const ADD_HELP = `Usage: bulwark add <pattern...> [options]

Writes each pattern, and every pattern it uses, into the patterns folder. Each file starts
with a provenance line (// bulwark: <file>@<version> sha256:…) that \`bulwark update\` needs.
Existing identical files are left alone; untouched older copies are brought up to date; a
file with your edits is never overwritten without --force.

Options:
  --dir <folder>         patterns folder, relative to the current folder
                         (default: bulwark.json "patternsDir", else src/patterns)
  --framework <name>     adapter for patterns that have them: express, hono or fastify
                         (default: the one package.json depends on)
  --dry-run              show what would be written, write nothing
  -y, --yes              do not ask for confirmation on a terminal
  --force                overwrite files that have your edits
  --install              install the npm packages the patterns need, with the package
                         manager your lockfile shows (or bulwark.json "packageManager")
  -h, --help             show this help

Examples:
  bulwark add retry cache
  bulwark add middleware --framework hono --install`;

const OPTIONS = {
  dir: { type: 'string' },
  framework: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  force: { type: 'boolean' },
  install: { type: 'boolean' },
} as const;

type Verdict = 'create' | 'identical' | 'update' | 'edited';

interface PlannedFile {
  readonly verdict: Verdict;
  readonly absolute: string;
  readonly display: string;
  readonly text?: string;
  readonly note?: string;
}

export async function runAdd(catalog: Catalog, args: readonly string[], io: Io): Promise<number> {
  const { values, positionals: names } = parseCommandArgs('add', args, OPTIONS);
  if (values.help) {
    io.out(ADD_HELP);
    return 0;
  }
  if (names.length === 0) throw new UsageError('name at least one pattern to add, e.g. `bulwark add retry` (see `bulwark list`)');
  const framework = oneOf('framework', values.framework, FRAMEWORKS);
  const project = loadProject(io.cwd);
  const folder = patternsFolder(project, io.cwd, values.dir);
  if (folder.explicit && !existsSync(folder.absolute) && !existsSync(dirname(folder.absolute))) {
    throw new CliError(`folder ${displayPath(io.cwd, dirname(folder.absolute))} does not exist (given by --dir ${values.dir}); create it or fix the path`);
  }

  let files;
  try {
    const choice = chooseFramework(catalog, names, framework, project.manifest);
    files = resolveSelection(catalog, { names, ...(choice.framework ? { framework: choice.framework } : {}) });
    for (const name of choice.coreOnly) {
      io.err(io.color.yellow(`note: ${name} has framework adapters, but package.json depends on no supported framework; adding the framework-neutral part only (use --framework to add one)`));
    }
  } catch (error) {
    if (error instanceof UnknownPatternError) throw new UsageError(error.message);
    throw error;
  }

  const plan = await planFiles(catalog, files, folder, io.cwd);
  const edited = plan.filter((file) => file.verdict === 'edited');
  if (edited.length && !values.force) {
    const paths = humanList(edited.map((file) => file.display));
    throw new CliError(`${paths} ${edited.length === 1 ? 'has' : 'have'} your edits; nothing was written (use --force to overwrite, or \`bulwark update\` to merge the new version in)`);
  }

  const writes = plan.filter((file) => file.verdict !== 'identical');
  const dryRun = values['dry-run'] === true;
  io.out(`${dryRun ? 'Would add to' : 'Adding to'} ${io.color.bold(folder.display)} ${io.color.dim(`(catalog ${catalog.version})`)}`);
  for (const file of plan) io.out(`  ${describe(file, dryRun, io)}${file.note ? io.color.dim(` (${file.note})`) : ''}`);

  if (!dryRun && writes.length && io.interactive && !values.yes) {
    if (!(await confirm(`Write ${writes.length} file${writes.length === 1 ? '' : 's'}?`, true))) {
      io.err('Nothing written.');
      return 1;
    }
  }
  if (!dryRun) for (const file of writes) writeFileAtomic(file.absolute, file.text ?? '', file.display);
  if (!writes.length) io.out(io.color.green('Already up to date; nothing to write.'));

  return reportPackages(project, packagesOf(files), { install: values.install === true && !dryRun, dryRun }, io);
}

async function planFiles(catalog: Catalog, files: Parameters<typeof planInsert>[1], folder: PatternsFolder, cwd: string): Promise<PlannedFile[]> {
  const where = (path: string) => join(folder.absolute, path);
  const actions = await planInsert(catalog, files, async (path) => readIfExists(where(path), displayPath(cwd, where(path))));
  return actions.map((action): PlannedFile => {
    const absolute = where(action.path);
    const display = displayPath(cwd, absolute);
    if (action.kind === 'create') return { verdict: 'create', absolute, display, text: action.text };
    if (action.kind === 'identical') return { verdict: 'identical', absolute, display };
    const report = inspectCopy(catalog, action.file, action.path, action.existing);
    if (report.state === 'outdated') return { verdict: 'update', absolute, display, text: action.text, note: `untouched copy of ${report.baseVersion}` };
    return { verdict: 'edited', absolute, display, text: action.text, note: report.baseVersion ? `edited since ${report.baseVersion}` : 'not from this catalog' };
  });
}

function describe(file: PlannedFile, dryRun: boolean, io: Io): string {
  const { green, yellow, red, dim } = io.color;
  const labels: Record<Verdict, [string, string, (text: string) => string]> = {
    create: ['create', 'created', green],
    identical: ['unchanged', 'unchanged', dim],
    update: ['update', 'updated', yellow],
    edited: ['overwrite', 'overwritten', red],
  };
  const [future, past, paint] = labels[file.verdict];
  return `${padEnd(paint(dryRun ? future : past), 12)}${file.display}`;
}

function reportPackages(project: Project, needed: ReturnType<typeof packagesOf>, options: { install: boolean; dryRun: boolean }, io: Io): number {
  const missing = missingPackages(project.manifest, needed);
  if (!missing.length) return 0;
  const commands = installCommand(project.packageManager, missing);
  const names = missing.map((need) => (need.dev ? `${need.name} (dev)` : need.name)).join(', ');
  if (!options.install) {
    io.out(`\nThese patterns need npm packages your package.json lacks: ${names}`);
    io.out(`Install them with:\n${commands.map((command) => `  ${io.color.bold(command)}`).join('\n')}`);
    io.out(io.color.dim('(or run bulwark add again with --install)'));
    return 0;
  }
  for (const command of commands) {
    const [program = project.packageManager, ...args] = command.split(' ');
    io.out(`\n$ ${command}`);
    // The package manager talks to the user directly (progress, prompts, errors).
    const result = spawnSync(program, args, { cwd: project.root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.error) throw new CliError(`could not run ${program}: ${(result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : result.error.message}`);
    if (result.status !== 0) throw new CliError(`\`${command}\` failed (exit code ${result.status ?? result.signal}); the pattern files were written`);
  }
  return 0;
}
