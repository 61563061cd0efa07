// The `bulwark` command line: the pattern catalog outside the editor, on the same insertion
// engine as the VS Code extension (src/engine).
import { version as packageVersion } from '../../package.json';
import { BulwarkError, userMessage } from '../engine/errors';
import { loadCatalog } from './catalog-file';
import { ADD_HELP, runAdd } from './commands/add';
import { DIFF_HELP, runDiff } from './commands/diff';
import { INIT_HELP, runInit } from './commands/init';
import { LIST_HELP, runList } from './commands/list';
import { runUpdate, UPDATE_HELP } from './commands/update';
import { processIo, type Io } from './output';

const MAIN_HELP = `Usage: bulwark <command> [options]

Tested TypeScript backend patterns, copied into your project and kept up to date.

Commands:
  list                   list the patterns, what they need and what they use
  add <pattern...>       write patterns (and what they use) into your patterns folder
  diff [pattern...]      compare your copies with the catalog
  update [pattern...]    update your copies, merging your edits
  init                   write bulwark.json (patterns folder, import style, package manager)

Run \`bulwark <command> --help\` for its options.
Exit codes: 0 done; 1 failed, or left work for you (conflicts, edited files); 2 invalid usage.
Colour only on a terminal; set NO_COLOR to turn it off.`;

const COMMAND_HELP: Readonly<Record<string, string>> = { list: LIST_HELP, add: ADD_HELP, diff: DIFF_HELP, update: UPDATE_HELP, init: INIT_HELP };

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      if (topic !== undefined && !(topic in COMMAND_HELP)) throw new BulwarkError(`no help for "${topic}": commands are ${Object.keys(COMMAND_HELP).join(', ')}`, 'usage');
      io.out(topic !== undefined ? (COMMAND_HELP[topic] ?? MAIN_HELP) : MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      io.out(packageVersion);
      return 0;
    }
    // Help needs no catalog, so it works even where the catalog is broken.
    const help = COMMAND_HELP[command];
    if (help !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
      io.out(help);
      return 0;
    }
    const catalog = () => loadCatalog(io.env, io.cwd);
    switch (command) {
      case 'list':
        return runList(catalog(), rest, io);
      case 'add':
        return await runAdd(catalog(), rest, io);
      case 'diff':
        return await runDiff(catalog(), rest, io);
      case 'update':
        return await runUpdate(catalog(), rest, io);
      case 'init':
        return await runInit(rest, io);
      default:
        throw new BulwarkError(`unknown command "${command}" (commands: ${Object.keys(COMMAND_HELP).join(', ')}; see \`bulwark --help\`)`, 'usage');
    }
  } catch (error) {
    io.err(`bulwark: ${userMessage(error)}`);
    return error instanceof BulwarkError && error.kind === 'usage' ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
