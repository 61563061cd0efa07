// Where a failed lint is told: every failure in the "Bulwark" output channel, and the first of a
// session as one notification. Without a notification, a broken linter would only show as
// diagnostics that silently never come; with one per failure, it would nag on every keystroke.
import * as vscode from 'vscode';

export class LintFailures implements vscode.Disposable {
  private notified = false;
  private channel: vscode.LogOutputChannel | undefined;

  report(what: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    // Created on the first failure, so a healthy session adds no entry to the Output view.
    const channel = (this.channel ??= vscode.window.createOutputChannel('Bulwark', { log: true }));
    channel.error(`${what}: ${reason}`);
    if (this.notified) return;
    this.notified = true;
    void vscode.window
      .showWarningMessage(`Bulwark could not lint: ${reason.split('\n')[0]}. Its diagnostics and quick fixes are missing until it can.`, 'Show Log')
      .then((choice) => choice && channel.show(true));
  }

  dispose(): void {
    this.channel?.dispose();
  }
}
