// Bulwark's own diagnostics: the plugin's recommended rules run on open JS/TS documents, on the
// linter's own thread, so the quick fixes work with no ESLint set up. Setting `bulwark.diagnostics`:
// `auto` (default) stands aside where the ESLint extension already reports bulwark/* rules.
import * as vscode from 'vscode';
import type { LintMessage, LintSettings, RuleSet } from '../linter/lint';
import type { LinterClient } from '../linter/worker-client';
import type { LintFailures } from './lint-failures';
import { isQuickFixSample } from './try-quick-fix';

export const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
const DEBOUNCE_MS = 250;

export type DiagnosticsMode = 'auto' | 'on' | 'off';

export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return typeof code === 'string' && code.startsWith('bulwark/') && (diagnostic.source === 'bulwark' || diagnostic.source === 'eslint')
    ? code.slice('bulwark/'.length)
    : undefined;
}

function eslintReportsBulwark(uri: vscode.Uri): boolean {
  return vscode.languages.getDiagnostics(uri).some((diagnostic) => diagnostic.source === 'eslint' && ruleOf(diagnostic) !== undefined);
}

const EXTENSIONS: Record<string, string> = { typescript: '.ts', typescriptreact: '.tsx', javascript: '.js', javascriptreact: '.jsx' };

/** The name the linter sees: the file's, or one matching the language for untitled documents. */
export function lintFileName(document: vscode.TextDocument): string {
  return /\.[cm]?[jt]sx?$/.test(document.fileName) ? document.fileName : `untitled${EXTENSIONS[document.languageId] ?? '.ts'}`;
}

export function toRange(document: vscode.TextDocument, message: LintMessage): vscode.Range {
  const start = new vscode.Position(Math.max(0, message.line - 1), Math.max(0, message.column - 1));
  const end = message.endLine !== undefined ? new vscode.Position(message.endLine - 1, (message.endColumn ?? message.column) - 1) : start;
  return document.validateRange(new vscode.Range(start, end));
}

/** What the diagnostics ask the linter for, for a document at `uri` (none: the workspace's settings). */
export function diagnosticsLintSettings(uri?: vscode.Uri): LintSettings {
  const configuration = vscode.workspace.getConfiguration('bulwark', uri);
  return {
    timeoutMs: configuration.get<number>('timeoutMs', 10_000),
    ruleSet: uri && isQuickFixSample(uri) ? 'all' : configuration.get<RuleSet>('ruleSet', 'recommended'),
    // Diagnostics and quick fixes use only bulwark/* messages: files no rule can report on go unparsed.
    rulesOnly: true,
  };
}

export class BulwarkDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('bulwark');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per document: the newest lint asked for, done or in flight (so concurrent askers share it). */
  private readonly results = new Map<string, { version: number; settings: string; messages: Promise<LintMessage[]> }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private docs: Promise<Record<string, string>> | undefined;
  private disposed = false;

  constructor(
    private readonly linter: LinterClient,
    private readonly failures: LintFailures,
  ) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('bulwark')) this.refreshAll();
      }),
      vscode.languages.onDidChangeDiagnostics((event) => {
        // In auto mode, step aside as soon as the ESLint extension reports bulwark/* itself. This fires
        // for every file's diagnostics on every edit: the cheap membership test goes first.
        for (const uri of event.uris) if (this.collection.has(uri) && this.mode(uri) === 'auto' && eslintReportsBulwark(uri)) this.collection.delete(uri);
      }),
    );
    // Documents already open when the extension activated, linted after activation returns.
    const initial = setTimeout(() => this.refreshAll(), 0);
    this.subscriptions.push({ dispose: () => clearTimeout(initial) });
  }

  mode(uri: vscode.Uri): DiagnosticsMode {
    return vscode.workspace.getConfiguration('bulwark', uri).get<DiagnosticsMode>('diagnostics', 'auto');
  }

  private wanted(document: vscode.TextDocument): boolean {
    if (!LANGUAGES.includes(document.languageId) || document.uri.scheme === 'output' || document.uri.scheme === 'git') return false;
    const mode = this.mode(document.uri);
    return mode === 'on' || (mode === 'auto' && !eslintReportsBulwark(document.uri));
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!LANGUAGES.includes(document.languageId)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.publish(document);
      }, delay),
    );
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) void this.publish(document);
  }

  private forget(uri: vscode.Uri): void {
    clearTimeout(this.timers.get(uri.toString()));
    this.results.delete(uri.toString());
    this.collection.delete(uri);
  }

  /**
   * Lints (once per document version) and publishes; resolves with the diagnostics set, or
   * undefined when the document changed or closed meanwhile (its newer version publishes instead).
   */
  async publish(document: vscode.TextDocument): Promise<vscode.Diagnostic[] | undefined> {
    if (document.isClosed || !this.wanted(document)) {
      this.collection.delete(document.uri);
      return [];
    }
    const version = document.version;
    let messages: LintMessage[];
    let docs: Record<string, string>;
    try {
      [messages, docs] = await Promise.all([this.messages(document), (this.docs ??= this.linter.call('ruleDocs'))]);
    } catch (error) {
      this.docs = undefined;
      // Only for the version that failed: a newer one publishes (or reports) for itself. At shutdown,
      // the lints still waiting fail because the linter stopped: nothing to report.
      if (this.disposed || document.version !== version) return undefined;
      // The diagnostics are gone rather than stale; the next edit tries again.
      this.collection.delete(document.uri);
      this.failures.report(`linting ${vscode.workspace.asRelativePath(document.uri)}`, error);
      return undefined;
    }
    if (document.isClosed || document.version !== version || !this.wanted(document)) return undefined;
    const diagnostics = messages.filter((message) => message.ruleId?.startsWith('bulwark/')).map((message) => toDiagnostic(document, message, docs));
    this.collection.set(document.uri, diagnostics);
    return diagnostics;
  }

  /** The lint messages of this document version, linting only when the cache is stale. */
  messages(document: vscode.TextDocument): Promise<LintMessage[]> {
    const key = document.uri.toString();
    const lintSettings = diagnosticsLintSettings(document.uri);
    const settings = JSON.stringify(lintSettings);
    const cached = this.results.get(key);
    if (cached && cached.version === document.version && cached.settings === settings) return cached.messages;
    const messages = this.linter.call('lintText', document.getText(), lintFileName(document), lintSettings);
    const entry = { version: document.version, settings, messages };
    this.results.set(key, entry);
    // A failed lint is not cached: asking again lints again.
    messages.catch(() => this.results.get(key) === entry && this.results.delete(key));
    return messages;
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

function toDiagnostic(document: vscode.TextDocument, message: LintMessage, docs: Record<string, string>): vscode.Diagnostic {
  const rule = message.ruleId ?? '';
  const diagnostic = new vscode.Diagnostic(
    toRange(document, message),
    message.message,
    message.severity === 2 ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = 'bulwark';
  const target = docs[rule];
  diagnostic.code = target ? { value: rule, target: vscode.Uri.parse(target) } : rule;
  return diagnostic;
}
