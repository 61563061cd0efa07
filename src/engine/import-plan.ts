// The import a quick fix adds for a pattern symbol, planned as a pure function of the document's
// text and the project's facts, so the fixes to come (name collisions, `.mts` and nodenext
// extensions, placement under CRLF and directives, JavaScript files) are changes to this planning
// and its tests, not to editor code.
import { aliasSpecifier } from './import-style';
import { detectConventions, importInsertionOffset, importsSymbol, importStatement, relativeSpecifier } from './imports';

export interface ImportFacts {
  /** The document the symbol is used in. */
  readonly documentText: string;
  /** Its path relative to the project root, `/`-separated. */
  readonly documentPath: string;
  readonly symbol: string;
  /** The pattern file that exports it, relative to the project root (ends in `.ts`). */
  readonly targetFile: string;
  /** package.json `type`: decides `.js` extensions when the document has no relative import. */
  readonly packageType?: string;
  /** `relative` or a tsconfig paths prefix (see import-style.ts). */
  readonly importStyle: string;
  readonly tsconfigText?: string;
}

export interface TextInsertion {
  readonly offset: number;
  readonly text: string;
}

/** The import statement to insert, or undefined when the document already imports the symbol. */
export function planPatternImport(facts: ImportFacts): TextInsertion | undefined {
  const text = facts.documentText;
  if (importsSymbol(text, facts.symbol)) return undefined;
  const conventions = detectConventions(text, facts.packageType);
  const alias = aliasSpecifier(facts.tsconfigText, facts.importStyle, facts.targetFile);
  const specifier = alias
    ? conventions.jsExtension
      ? `${alias}.js`
      : alias
    : relativeSpecifier(`/${facts.documentPath}`, `/${facts.targetFile}`, conventions);
  return { offset: importInsertionOffset(text), text: importStatement(facts.symbol, specifier, conventions) };
}
