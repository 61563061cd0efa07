// Plans inserting catalog files into a patterns folder without ever overwriting silently:
// identical copies are left alone, different ones are reported for the caller to resolve.
import { relativePathOf, type Catalog, type CatalogFile } from './catalog';
import { parseCopy, sameCode, withProvenance } from './provenance';

export type InsertAction =
  | { readonly kind: 'create'; readonly file: CatalogFile; readonly path: string; readonly text: string }
  | { readonly kind: 'identical'; readonly file: CatalogFile; readonly path: string }
  | {
      readonly kind: 'differs';
      readonly file: CatalogFile;
      readonly path: string;
      /** What replacing it would write. */
      readonly text: string;
      readonly existing: string;
    };

/** Reads a file of the patterns folder by its path relative to that folder; undefined when absent. */
export type ReadExisting = (relativePath: string) => Promise<string | undefined>;

export async function planInsert(catalog: Catalog, files: readonly CatalogFile[], readExisting: ReadExisting): Promise<InsertAction[]> {
  return Promise.all(
    files.map(async (file): Promise<InsertAction> => {
      const path = relativePathOf(file);
      const existing = await readExisting(path);
      if (existing === undefined) return { kind: 'create', file, path, text: withProvenance(file, catalog.version) };
      if (sameCode(parseCopy(existing).body, file.content)) return { kind: 'identical', file, path };
      const eol = existing.includes('\r\n') ? '\r\n' : '\n';
      return { kind: 'differs', file, path, text: withProvenance(file, catalog.version, eol), existing };
    }),
  );
}
