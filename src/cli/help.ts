// The CLI's help texts: printed by `bulwark --help` and `bulwark <command> --help`, and the source
// of the README's CLI section (scripts/readme.ts writes it, test/docs checks it).
import { ADD_HELP } from './commands/add';
import { DIFF_HELP } from './commands/diff';
import { INIT_HELP } from './commands/init';
import { LIST_HELP } from './commands/list';
import { UPDATE_HELP } from './commands/update';

export const MAIN_HELP = `Usage: bulwark <command> [options]

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

export const COMMAND_HELP: Readonly<Record<string, string>> = { list: LIST_HELP, add: ADD_HELP, diff: DIFF_HELP, update: UPDATE_HELP, init: INIT_HELP };
