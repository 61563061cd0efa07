// The code action the quick fixes return: its edit is either known when it is listed, or
// computed by its resolver when the user chooses it (resolveCodeAction), so the light bulb stays fast.
import * as vscode from 'vscode';
import type { Catalog } from '../engine/catalog';
import type { LintMessage } from '../linter/lint';

/** Fills `edit`; returns why it declined instead (the fix would not compile or would change behaviour), if it did. */
export type Resolver = (edit: vscode.WorkspaceEdit, catalog: Catalog) => Promise<string | undefined>;

export class BulwarkCodeAction extends vscode.CodeAction {
  /** A pattern file to open beside the editor once the edit is applied. */
  openAfter?: vscode.Uri;

  constructor(
    title: string,
    readonly resolver?: Resolver,
    /** The document the action fixes (not saved by the follow-up command: the user's to save). */
    readonly document?: vscode.Uri,
  ) {
    super(title, vscode.CodeActionKind.QuickFix);
  }
}

export function suggestionEdit(document: vscode.TextDocument, suggestion: NonNullable<LintMessage['suggestions']>[number]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const [start, end] = suggestion.fix.range;
  edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)), suggestion.fix.text);
  return edit;
}
