// Extension-tests module that scripts/vscode-host/run.mjs loads into a real VS Code extension
// host (instead of the mocha suite) to time the extension's activation, as VS Code itself times
// it: the extension host marks `code/extHost/{will,did}LoadExtensionCode/<id>` around loading the
// main file and `code/extHost/{will,did}ActivateExtension/<id>` around activate() (the numbers
// "Developer: Show Running Extensions" adds up). The probe activates the extension, which must
// not be active yet, reads those marks, and writes JSON to $BULWARK_BENCH_ACTIVATION_OUT.
// Then, on the generated 2,000-line sample opened in the test workspace with the default rule set:
// the time from opening it to Bulwark's diagnostics (starting the linter thread included; a fresh
// sandbox has no code cache yet, so this is a first session's), and full code-action requests
// through VS Code (\`vscode.executeCodeActionProvider\`, the light bulb's path) at its diagnostics.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vscode = require('vscode');
const { median } = require('./median.cjs');

const CODE_ACTION_QUERIES = 20;

async function bulwarkDiagnostics(uri, timeoutMs) {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'bulwark');
    if (found.length > 0) return found;
    if (performance.now() > until) throw new Error(`no Bulwark diagnostics on ${uri.fsPath} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function editorTimings() {
  const workspace = process.env.BULWARK_TEST_WORKSPACE;
  if (!workspace) throw new Error('BULWARK_TEST_WORKSPACE is not set: run this probe through scripts/vscode-host/run.mjs');
  const { sampleSource } = await import(pathToFileURL(path.join(__dirname, 'sample.mjs')).href);
  const file = path.join(workspace, 'src', 'bench-sample.ts');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sampleSource());
  // The host sandbox lints with every rule (for the tests); a user who opens a first file has the default.
  await vscode.workspace.getConfiguration('bulwark').update('ruleSet', 'recommended', vscode.ConfigurationTarget.Global);
  const opened = performance.now();
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const diagnostics = await bulwarkDiagnostics(document.uri, 60_000);
  const firstDiagnosticsMs = performance.now() - opened;
  const codeActionMs = [];
  for (let i = 0; i < CODE_ACTION_QUERIES; i += 1) {
    const diagnostic = diagnostics[(i * 7) % diagnostics.length];
    const started = performance.now();
    const actions = await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    codeActionMs.push(performance.now() - started);
    if (!actions.some((action) => action.title.startsWith('Show documentation for bulwark/')))
      throw new Error('a code-action request returned no Bulwark action');
  }
  return { firstDiagnosticsMs, diagnosticsOnOpen: diagnostics.length, codeActionRequestMs: median(codeActionMs) };
}

function markTime(marks, name) {
  const found = marks.find((mark) => mark.name === name);
  if (!found) throw new Error(`the extension host recorded no performance mark ${name}`);
  return found.startTime;
}

exports.run = async function run() {
  const out = process.env.BULWARK_BENCH_ACTIVATION_OUT;
  if (!out) throw new Error('BULWARK_BENCH_ACTIVATION_OUT is not set: run this probe through scripts/bench-extension.mjs');
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`;
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`extension ${id} is not known to the host`);
  // Anything that activated it already (an open TypeScript file) would make the timing meaningless.
  if (extension.isActive) throw new Error(`${id} was already active before the probe ran`);
  const started = performance.now();
  await extension.activate();
  const wallMs = performance.now() - started;
  const performanceMarks = globalThis.MonacoPerformanceMarks;
  if (!performanceMarks || typeof performanceMarks.getMarks !== 'function')
    throw new Error('this VS Code exposes no MonacoPerformanceMarks in the extension host');
  const marks = performanceMarks.getMarks();
  const between = (from, to) => markTime(marks, `code/extHost/${to}/${id}`) - markTime(marks, `code/extHost/${from}/${id}`);
  const loadMs = between('willLoadExtensionCode', 'didLoadExtensionCode');
  const activateCallMs = between('willActivateExtension', 'didActivateExtension');
  const editor = await editorTimings();
  fs.writeFileSync(out, JSON.stringify({ loadMs, activateCallMs, activationMs: loadMs + activateCallMs, wallMs, vscodeVersion: vscode.version, ...editor }));
};
