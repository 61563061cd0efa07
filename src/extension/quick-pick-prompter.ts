// The engine's Prompter in VS Code: the framework question as a QuickPick; copies with the
// user's edits are kept, and "Insert Pattern…" then offers Replace / Keep mine beside a diff of
// each, without holding the insertion up.
import * as vscode from 'vscode';
import { fileById, type Catalog } from '../engine/catalog';
import type { FrameworkQuestion, Prompter } from '../engine/ports';

const NO_ADAPTER = 'none';

export class QuickPickPrompter implements Prompter {
  constructor(private readonly catalog: Catalog) {}

  async chooseFramework(question: FrameworkQuestion) {
    const name = question.patterns.join(', ');
    const single = question.patterns.length === 1 ? question.patterns[0] : undefined;
    const picked = await vscode.window.showQuickPick(
      [
        ...question.offered.map((framework) => ({
          label: framework,
          description: single ? fileById(this.catalog, `${single}/${framework}`)?.summary : undefined,
        })),
        ...(question.coreOnlyPossible ? [{ label: NO_ADAPTER, description: 'only the framework-neutral core' }] : []),
      ],
      {
        title: `Bulwark: ${name} for which framework?`,
        placeHolder: question.inProject.length ? 'The project depends on several' : 'No Express, Hono or Fastify dependency found',
      },
    );
    return picked?.label as (typeof question.offered)[number] | typeof NO_ADAPTER | undefined;
  }

  async resolveEdited(): Promise<'keep'> {
    return 'keep';
  }
}
