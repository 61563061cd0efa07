// Every extension command reports a failure the same way: the engine's one user message, with
// the product name once ("Bulwark: …"), in an error notification; the text is also returned in
// the command's result.
import * as vscode from 'vscode';
import { BulwarkError, userMessage } from '../engine/errors';

/** `failed`: what the command was doing, for failures that are not a BulwarkError (bugs, VS Code errors). */
export function showError(error: unknown, failed: string): string {
  const text = error instanceof BulwarkError ? error.message : `${failed}: ${error instanceof Error ? error.message : userMessage(error)}`;
  const message = `Bulwark: ${text}`;
  void vscode.window.showErrorMessage(message);
  return message;
}
