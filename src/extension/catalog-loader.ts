// The catalog ships as dist/catalog.json beside the bundle and is read on first use, so
// activation stays cheap and the main bundle small. BULWARK_CATALOG (a path to another catalog
// file, read when set, as the CLI does) serves catalog development and the update tests.
import * as vscode from 'vscode';
import type { Catalog } from '../engine/catalog';

export class CatalogLoader {
  private loading: { readonly from: string; readonly catalog: Promise<Catalog> } | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  load(): Promise<Catalog> {
    const override = process.env['BULWARK_CATALOG'];
    const uri = override ? vscode.Uri.file(override) : vscode.Uri.joinPath(this.extensionUri, 'dist', 'catalog.json');
    if (this.loading?.from === uri.toString()) return this.loading.catalog;
    const catalog = Promise.resolve(vscode.workspace.fs.readFile(uri)).then(
      (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as Catalog,
      (error: unknown) => {
        // Let the next command try again instead of remembering the failure forever.
        this.loading = undefined;
        const what = override ? `the pattern catalog BULWARK_CATALOG names (${override})` : 'the pattern catalog shipped with the extension';
        throw new Error(`could not read ${what}: ${(error as Error).message}`);
      },
    );
    this.loading = { from: uri.toString(), catalog };
    return catalog;
  }
}
