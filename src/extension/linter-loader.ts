// Loads dist/linter.js (ESLint + parser + rules, ~5 MB) on first use, never during activation.
import * as path from 'node:path';
import type * as LinterModule from '../linter/lint';

export type Linter = typeof LinterModule;

export class LinterLoader {
  private linter: Linter | undefined;

  constructor(private readonly extensionPath: string) {}

  get loaded(): boolean {
    return this.linter !== undefined;
  }

  load(): Linter {
    // A computed path keeps esbuild from bundling the linter into the main file.
    this.linter ??= require(path.join(this.extensionPath, 'dist', 'linter.js')) as Linter;
    return this.linter;
  }
}
