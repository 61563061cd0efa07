// An in-memory project for the engine's use cases: the ProjectFs a front-end adapts, over a
// plain record of paths to texts. No dependencies, so the host suite can use it too.
import type { EntryKind, ProjectFs } from '../../src/engine/ports';

export class MemoryProjectFs implements ProjectFs {
  readonly files: Map<string, string>;

  constructor(files: Readonly<Record<string, string>> = {}) {
    this.files = new Map(Object.entries(files).map(([path, text]) => [normalize(path), text]));
  }

  async readText(path: string): Promise<string | undefined> {
    return this.files.get(normalize(path));
  }

  async list(path: string): Promise<Array<{ name: string; kind: EntryKind }>> {
    const prefix = normalize(path) === '' ? '' : `${normalize(path)}/`;
    const entries = new Map<string, EntryKind>();
    for (const file of this.files.keys()) {
      if (!file.startsWith(prefix)) continue;
      const [name = '', ...rest] = file.slice(prefix.length).split('/');
      entries.set(name, rest.length ? 'folder' : 'file');
    }
    return [...entries].map(([name, kind]) => ({ name, kind }));
  }

  write(path: string, text: string): void {
    this.files.set(normalize(path), text);
  }
}

function normalize(path: string): string {
  return path
    .split('/')
    .filter((part) => part && part !== '.')
    .join('/');
}
