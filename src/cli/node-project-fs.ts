// The engine's ProjectFs on node:fs, rooted at the project folder. Failures other than "not
// there" become one line naming the path and the reason in words.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BulwarkError } from '../engine/errors';
import type { EntryKind, ProjectFs } from '../engine/ports';
import { readIfExists, reason } from './files';

export class NodeProjectFs implements ProjectFs {
  constructor(
    readonly root: string,
    /** Where paths are shown from (the current folder). */
    private readonly cwd: string,
  ) {}

  absolute(path: string): string {
    return join(this.root, path);
  }

  display(path: string): string {
    return relative(this.cwd, this.absolute(path)) || this.absolute(path);
  }

  async readText(path: string): Promise<string | undefined> {
    return readIfExists(this.absolute(path), this.display(path));
  }

  async list(path: string): Promise<Array<{ name: string; kind: EntryKind }>> {
    try {
      return readdirSync(this.absolute(path), { withFileTypes: true }).flatMap((entry): Array<{ name: string; kind: EntryKind }> => {
        if (entry.isDirectory()) return [{ name: entry.name, kind: 'folder' }];
        return entry.isFile() ? [{ name: entry.name, kind: 'file' }] : [];
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new BulwarkError(`cannot read folder ${this.display(path)}: ${reason(error)}`);
    }
  }
}
