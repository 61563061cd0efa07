// Read-only documents holding what Bulwark proposes to write, for diff views against the
// user's files ("Replace" / "Keep mine", update previews).
import * as vscode from 'vscode';

export const PROPOSED_SCHEME = 'bulwark-proposed';

export class ProposedContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }

  /** A URI whose document shows `text`, named like `path` so the diff gets the right language. */
  uriFor(path: string, text: string): vscode.Uri {
    const key = String(++this.counter);
    this.texts.set(key, text);
    return vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${path}`, query: key });
  }
}
