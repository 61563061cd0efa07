// The catalog ships as dist/catalog.json beside the bundle and is read on first use, so
// activation stays cheap and the main bundle small.
import * as vscode from 'vscode';
import type { Catalog } from '../engine/catalog';

export class CatalogLoader {
  private loading: Promise<Catalog> | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  load(): Promise<Catalog> {
    this.loading ??= Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'dist', 'catalog.json'))).then(
      (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as Catalog,
      (error: unknown) => {
        // Let the next command try again instead of remembering the failure forever.
        this.loading = undefined;
        throw new Error(`could not read the pattern catalog shipped with the extension: ${(error as Error).message}`);
      },
    );
    return this.loading;
  }
}
