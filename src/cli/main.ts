// The `bulwark` command line: the pattern catalog outside the editor, on the same insertion
// engine as the VS Code extension (src/engine).
import { version as packageVersion } from '../../package.json';
import { BulwarkError, userMessage } from '../engine/errors';
import { loadCatalog } from './catalog-file';
import { runAdd } from './commands/add';
import { runDiff } from './commands/diff';
import { runInit } from './commands/init';
import { runList } from './commands/list';
import { runUpdate } from './commands/update';
import { COMMAND_HELP, MAIN_HELP } from './help';
import { processIo, type Io } from './output';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      if (topic !== undefined && !(topic in COMMAND_HELP))
        throw new BulwarkError(`no help for "${topic}": commands are ${Object.keys(COMMAND_HELP).join(', ')}`, 'usage');
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
