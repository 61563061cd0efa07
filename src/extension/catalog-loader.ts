// The catalog ships as dist/catalog.json beside the bundle and is read on first use, so
// activation stays cheap and the main bundle small. Where to look (BULWARK_CATALOG, relative to
// the current directory as in the CLI) and what counts as a catalog are the engine's rules.
import * as vscode from 'vscode';
import type { Catalog } from '../engine/catalog';
import { catalogLocation, parseCatalog, unreadableCatalog } from '../engine/catalog-file';

export class CatalogLoader {
  private loading: { readonly from: string; readonly catalog: Promise<Catalog> } | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  load(): Promise<Catalog> {
    const shipped = vscode.Uri.joinPath(this.extensionUri, 'dist', 'catalog.json');
    const location = catalogLocation(process.env, process.cwd(), shipped.fsPath);
    if (this.loading?.from === location.path) return this.loading.catalog;
    // The shipped catalog by its own URI: the extension may live on a non-file file system.
    const uri = location.overridden ? vscode.Uri.file(location.path) : shipped;
    const catalog = Promise.resolve(vscode.workspace.fs.readFile(uri))
      .then(
        (bytes) => parseCatalog(new TextDecoder().decode(bytes), location),
        (error: unknown) => {
          throw unreadableCatalog(location, (error as Error).message);
        },
      )
      .catch((error: unknown) => {
        // Let the next command try again instead of remembering the failure forever.
        this.loading = undefined;
        throw error;
      });
    this.loading = { from: location.path, catalog };
    return catalog;
  }
}
