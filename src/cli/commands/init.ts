// `bulwark init`: writes bulwark.json (patterns folder, import alias, package manager) so every
// later command, and every teammate, uses the same settings.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { oneOf, parseCommandArgs } from '../args';
import { CONFIG_FILE, loadProject, PACKAGE_MANAGERS, patternsFolder, type BulwarkConfig } from '../config';
import { displayPath } from '../copies-scan';
import { writeFileAtomic } from '../files';
import { CliError, UsageError, type Io } from '../output';

export const INIT_HELP = `Usage: bulwark init [options]

Writes bulwark.json at the project root (the folder of the nearest package.json):
  patternsDir      where \`bulwark add\` writes patterns (default src/patterns)
  importAlias      how your code imports them, e.g. @/patterns (default: found from
                   tsconfig.json "paths", else none)
  packageManager   used to install what patterns need (default: the one your lockfile shows)
Command-line options still override it.

Options:
  --dir <folder>                 patterns folder, relative to the current folder
  --alias <specifier>            import alias of the patterns folder
  --package-manager <name>       npm, pnpm, yarn or bun
  --force                        overwrite an existing bulwark.json
  -h, --help                     show this help`;

const OPTIONS = {
  dir: { type: 'string' },
  alias: { type: 'string' },
  'package-manager': { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** tsconfig.json is JSONC: drops comments (outside strings) and trailing commas before parsing. */
export function parseJsonc(text: string): unknown {
  const withoutComments = text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_match, string: string | undefined) => string ?? '');
  return JSON.parse(withoutComments.replace(/,(\s*[}\]])/g, '$1'));
}

/** The `paths` alias that reaches `folder`, e.g. `@/*` → `./src/*` and src/patterns → `@/patterns`. */
export function aliasFromTsconfig(root: string, folder: string): string | undefined {
  const path = join(root, 'tsconfig.json');
  if (!existsSync(path)) return undefined;
  let tsconfig: { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
  try {
    tsconfig = parseJsonc(readFileSync(path, 'utf8')) as typeof tsconfig;
  } catch {
    // An unreadable tsconfig only means no alias is suggested; tsc will report it itself.
    return undefined;
  }
  const base = resolve(root, tsconfig.compilerOptions?.baseUrl ?? '.');
  for (const [key, targets] of Object.entries(tsconfig.compilerOptions?.paths ?? {})) {
    if (!key.endsWith('/*') || !Array.isArray(targets)) continue;
    for (const target of targets) {
      if (typeof target !== 'string' || !(target === '*' || target.endsWith('/*'))) continue;
      const inside = relative(resolve(base, target.slice(0, -1)), folder);
      if (inside.startsWith('..') || isAbsolute(inside)) continue;
      return `${key.slice(0, -2)}${inside ? `/${inside.split('\\').join('/')}` : ''}`;
    }
  }
  return undefined;
}

export function runInit(args: readonly string[], io: Io): number {
  const { values, positionals } = parseCommandArgs('init', args, OPTIONS);
  if (values.help) {
    io.out(INIT_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`bulwark init takes no arguments (got ${positionals.join(' ')})`);
  const packageManager = oneOf('package-manager', values['package-manager'], PACKAGE_MANAGERS);
  if (values.alias !== undefined && !values.alias.trim()) throw new UsageError('--alias must not be empty');

  const project = loadProject(io.cwd);
  const path = join(project.root, CONFIG_FILE);
  const display = displayPath(io.cwd, path);
  if (project.hasConfig && !values.force) throw new CliError(`${display} already exists; use --force to overwrite it`);

  // A fresh init starts from defaults, not from the file it replaces.
  const fresh = { ...project, config: {} };
  const folder = patternsFolder(fresh, io.cwd, values.dir);
  const importAlias = values.alias ?? aliasFromTsconfig(project.root, folder.absolute);
  const config: BulwarkConfig = {
    patternsDir: relative(project.root, folder.absolute).split('\\').join('/') || '.',
    ...(importAlias ? { importAlias } : {}),
    packageManager: packageManager ?? project.detectedPackageManager,
  };
  writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, display);
  io.out(`Wrote ${display}: patterns in ${config.patternsDir}, ${importAlias ? `imported as ${importAlias}, ` : ''}packages installed with ${config.packageManager}`);
  return 0;
}
