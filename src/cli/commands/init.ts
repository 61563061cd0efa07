// `bulwark init`: writes bulwark.json (patterns folder, import alias, package manager) so every
// later command, and every teammate, uses the same settings.
import { join } from 'node:path';
import { BulwarkError } from '../../engine/errors';
import { aliasSpecifier, aliasStyleFor, RELATIVE_IMPORTS } from '../../engine/import-style';
import { oneOf, parseCommandArgs } from '../args';
import { CONFIG_FILE, DEFAULT_PATTERNS_DIR, findProjectRoot, loadProject, PACKAGE_MANAGERS, type BulwarkConfig } from '../config';
import { writeFileAtomic } from '../files';
import type { Io } from '../output';

export const INIT_HELP = `Usage: bulwark init [options]

Writes bulwark.json at the project root (the folder of the nearest package.json):
  patternsDir      where \`bulwark add\` writes patterns (default src/patterns)
  importStyle      how your code imports them: "relative", or a tsconfig.json "paths"
                   prefix such as @/ (default: the paths entry that reaches the patterns
                   folder, else relative); the extension's quick fixes import this way
  packageManager   used to install what patterns need (default: the one your lockfile shows)
Command-line options still override it.

Options:
  --dir <folder>                 patterns folder, relative to the current folder
  --import-style <style>         relative, or a tsconfig paths prefix such as @/
  --package-manager <name>       npm, pnpm, yarn or bun
  --force                        overwrite an existing bulwark.json
  -h, --help                     show this help`;

const OPTIONS = {
  dir: { type: 'string' },
  'import-style': { type: 'string' },
  'package-manager': { type: 'string' },
  force: { type: 'boolean' },
} as const;

export async function runInit(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('init', args, OPTIONS);
  if (values.help) {
    io.out(INIT_HELP);
    return 0;
  }
  if (positionals.length) throw new BulwarkError(`bulwark init takes no arguments (got ${positionals.join(' ')})`, 'usage');
  const packageManager = oneOf('package-manager', values['package-manager'], PACKAGE_MANAGERS);
  const style = values['import-style'];
  if (style !== undefined && !style.trim()) throw new BulwarkError('--import-style must not be empty', 'usage');

  // A fresh init starts from defaults and the flags, not from the file it replaces.
  const project = await loadProject(io.cwd, { dir: values.dir ?? join(findProjectRoot(io.cwd) ?? io.cwd, DEFAULT_PATTERNS_DIR) });
  const display = project.fs.display(CONFIG_FILE);
  if (project.settings.hasConfig && !values.force) throw new BulwarkError(`${display} already exists; use --force to overwrite it`);
  const importStyle = style ?? aliasStyleFor(project.settings.tsconfigText, project.patterns.path) ?? RELATIVE_IMPORTS;
  const config: BulwarkConfig = {
    patternsDir: project.patterns.path,
    importStyle,
    packageManager: packageManager ?? project.settings.detectedPackageManager,
  };
  writeFileAtomic(project.fs.absolute(CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`, display);
  const sample = aliasSpecifier(project.settings.tsconfigText, importStyle, `${project.patterns.path}/retry.ts`);
  const imported = sample
    ? `imported as ${sample.replace(/\/retry$/, '')}/…`
    : importStyle === RELATIVE_IMPORTS
      ? 'imported relatively'
      : `import style ${importStyle}`;
  io.out(`Wrote ${display}: patterns in ${config.patternsDir}, ${imported}, packages installed with ${config.packageManager}`);
  return 0;
}
