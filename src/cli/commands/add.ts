// `bulwark add <pattern...>`: writes the patterns and everything they import into the patterns
// folder, then says which npm packages they need (and installs them with --install).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { FRAMEWORKS, type Catalog } from '../../engine/catalog';
import { BulwarkError } from '../../engine/errors';
import { aliasSpecifier } from '../../engine/import-style';
import { add, type AddedFile, type AddVerdict } from '../../engine/use-cases/add';
import { oneOf, parseCommandArgs } from '../args';
import { loadProject, type Project } from '../config';
import { padEnd, type Io } from '../output';
import { confirmWrites, TerminalPrompter } from '../terminal-prompter';
import { applyWrites } from '../write-plan';

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

export async function runAdd(catalog: Catalog, args: readonly string[], io: Io): Promise<number> {
  const { values, positionals: names } = parseCommandArgs('add', args, OPTIONS);
  if (values.help) {
    io.out(ADD_HELP);
    return 0;
  }
  if (names.length === 0) throw new BulwarkError('name at least one pattern to add, e.g. `bulwark add retry` (see `bulwark list`)', 'usage');
  const framework = oneOf('framework', values.framework, FRAMEWORKS);
  const project = await loadProject(io.cwd, { ...(values.dir !== undefined ? { dir: values.dir } : {}) });
  const folder = project.patterns;
  if (folder.explicit && !existsSync(folder.absolute) && !existsSync(dirname(folder.absolute))) {
    throw new BulwarkError(
      `folder ${relative(io.cwd, dirname(folder.absolute)) || '.'} does not exist (given by --dir ${values.dir}); create it or fix the path`,
    );
  }
  const prompter = new TerminalPrompter(io, { display: (path) => project.fs.display(path) });
  const result = await add(
    catalog,
    project.fs,
    project.settings,
    { names, ...(framework ? { framework } : {}), overwriteEdited: values.force === true },
    prompter,
  );
  if (result.kind === 'cancelled') return 1;

  const dryRun = values['dry-run'] === true;
  io.out(`${dryRun ? 'Would add to' : 'Adding to'} ${io.color.bold(folder.display)} ${io.color.dim(`(catalog ${catalog.version})`)}`);
  for (const file of result.files) io.out(`  ${describe(file, project, dryRun, io)}${noteOf(file) ? io.color.dim(` (${noteOf(file)})`) : ''}`);
  if (!(await confirmWrites(io, result.writes.length, { yes: values.yes === true, dryRun }))) {
    io.err('Nothing written.');
    return 1;
  }
  if (!dryRun) applyWrites(project.fs, result.writes);
  if (!result.writes.length) io.out(io.color.green('Already up to date; nothing to write.'));
  showImport(project, result.files, io);
  return reportPackages(
    project,
    result.missingPackages.length > 0,
    result.installCommands,
    result.missingPackages.map((need) => (need.dev ? `${need.name} (dev)` : need.name)).join(', '),
    { install: values.install === true && !dryRun },
    io,
  );
}

function noteOf(file: AddedFile): string | undefined {
  if (file.verdict === 'update') return `untouched copy of ${file.baseVersion}`;
  if (file.verdict === 'edited') return file.baseVersion ? `edited since ${file.baseVersion}` : 'not from this catalog';
  return undefined;
}

function describe(file: AddedFile, project: Project, dryRun: boolean, io: Io): string {
  const { green, yellow, red, dim } = io.color;
  const labels: Record<AddVerdict, [string, string, (text: string) => string]> = {
    create: ['create', 'created', green],
    identical: ['unchanged', 'unchanged', dim],
    update: ['update', 'updated', yellow],
    edited: ['overwrite', 'overwritten', red],
  };
  const [future, past, paint] = labels[file.verdict];
  return `${padEnd(paint(dryRun ? future : past), 12)}${project.fs.display(`${project.patterns.path}/${file.path}`)}`;
}

/** The import of the first pattern asked for, in the project's import style (bulwark.json `importStyle`). */
function showImport(project: Project, files: readonly AddedFile[], io: Io): void {
  const main = files.at(-1);
  if (!main) return;
  const target = `${project.patterns.path}/${main.path}`;
  const alias = aliasSpecifier(project.settings.tsconfigText, project.settings.importStyle, target);
  if (alias) io.out(io.color.dim(`Import it from '${alias}' (bulwark.json importStyle ${project.settings.importStyle}).`));
}

function reportPackages(project: Project, missing: boolean, commands: readonly string[], names: string, options: { install: boolean }, io: Io): number {
  if (!missing) return 0;
  const manager = project.settings.packageManager;
  if (!options.install) {
    io.out(`\nThese patterns need npm packages your package.json lacks: ${names}`);
    io.out(`Install them with:\n${commands.map((command) => `  ${io.color.bold(command)}`).join('\n')}`);
    io.out(io.color.dim('(or run bulwark add again with --install)'));
    return 0;
  }
  for (const command of commands) {
    const [program = manager, ...args] = command.split(' ');
    io.out(`\n$ ${command}`);
    // The package manager talks to the user directly (progress, prompts, errors).
    const result = spawnSync(program, args, { cwd: project.root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.error)
      throw new BulwarkError(
        `could not run ${program}: ${(result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : result.error.message}`,
      );
    if (result.status !== 0) throw new BulwarkError(`\`${command}\` failed (exit code ${result.status ?? result.signal}); the pattern files were written`);
  }
  return 0;
}
