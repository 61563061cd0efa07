// The engine's Prompter on a terminal. The CLI never asks the engine's questions interactively:
// flags answer them (--framework, --force), and where no answer is safe it stops the command with
// a message that names the flag to use. The one interactive question is the confirmation of a
// finished plan, asked only when a person is there (`io.interactive`) and --yes did not answer it.
import { BulwarkError } from '../engine/errors';
import type { EditedCopy, FrameworkQuestion, Prompter } from '../engine/ports';
import { humanList, type Io } from './output';
import { confirm } from './prompt';

export interface TerminalAnswers {
  /** Shown path of a project path. */
  readonly display: (path: string) => string;
}

/** Asks "Write N files?" when a person is there and `--yes` did not answer it; true to go ahead. */
export async function confirmWrites(io: Io, count: number, flags: { readonly yes: boolean; readonly dryRun: boolean }): Promise<boolean> {
  if (count === 0 || flags.dryRun || flags.yes || !io.interactive) return true;
  return confirm(`Write ${count} file${count === 1 ? '' : 's'}?`, true);
}

export class TerminalPrompter implements Prompter {
  constructor(
    private readonly io: Io,
    private readonly answers: TerminalAnswers,
  ) {}

  async chooseFramework(question: FrameworkQuestion) {
    if (question.inProject.length > 1) {
      throw new BulwarkError(
        `package.json depends on ${humanList(question.inProject)}: choose the adapter with ${question.inProject.map((f) => `--framework ${f}`).join(' or ')}`,
        'usage',
      );
    }
    if (!question.coreOnlyPossible) {
      throw new BulwarkError(
        `${question.patterns[0]} needs a framework adapter and package.json depends on none: pass --framework ${question.offered.join('|')}`,
        'usage',
      );
    }
    for (const name of question.patterns) {
      this.io.err(
        this.io.color.yellow(
          `note: ${name} has framework adapters, but package.json depends on no supported framework; adding the framework-neutral part only (use --framework to add one)`,
        ),
      );
    }
    return 'none' as const;
  }

  async resolveEdited(copies: readonly EditedCopy[]): Promise<'overwrite' | 'keep'> {
    const paths = humanList(copies.map((copy) => this.answers.display(copy.path)));
    throw new BulwarkError(
      `${paths} ${copies.length === 1 ? 'has' : 'have'} your edits; nothing was written (use --force to overwrite, or \`bulwark update\` to merge the new version in)`,
    );
  }
}
