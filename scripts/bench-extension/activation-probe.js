// Extension-tests module that scripts/vscode-host/run.mjs loads into a real VS Code extension
// host (instead of the mocha suite) to time the extension's activation, as VS Code itself times
// it: the extension host marks `code/extHost/{will,did}LoadExtensionCode/<id>` around loading the
// main file and `code/extHost/{will,did}ActivateExtension/<id>` around activate() (the numbers
// "Developer: Show Running Extensions" adds up), and the time from opening the generated
// 2,000-line sample (default rule set) to Bulwark's diagnostics, a first session's (a fresh
// sandbox has no code cache yet). $BULWARK_BENCH_SCENARIO says which first file:
// - `preloaded`: the folder is a JS/TS project (package.json), so Bulwark activated at startup and
//   warmed its linter up (src/extension/linter-preload.ts); the probe waits for that, as a user
//   who opens a file a few seconds after the window would, then opens the sample. It also times
//   full code-action requests through VS Code (`vscode.executeCodeActionProvider`, the light
//   bulb's path) at its diagnostics.
// - `cold`: the folder has no package.json/tsconfig.json/jsconfig.json, so opening the sample is
//   what activates Bulwark (onLanguage): activation, starting the linter thread and loading the
//   linter all fall in the time measured.
// Writes JSON to $BULWARK_BENCH_ACTIVATION_OUT.
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

async function openSample() {
  const workspace = process.env.BULWARK_TEST_WORKSPACE;
  if (!workspace) throw new Error('BULWARK_TEST_WORKSPACE is not set: run this probe through scripts/vscode-host/run.mjs');
  const { sampleSource } = await import(pathToFileURL(path.join(__dirname, 'sample.mjs')).href);
  const file = path.join(workspace, 'src', 'bench-sample.ts');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sampleSource());
  const opened = performance.now();
  const openedAt = Date.now();
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const diagnostics = await bulwarkDiagnostics(document.uri, 60_000);
  return { document, diagnostics, firstDiagnosticsMs: performance.now() - opened, openedAt };
}

async function codeActionRequestMs(document, diagnostics) {
  const times = [];
  for (let i = 0; i < CODE_ACTION_QUERIES; i += 1) {
    const diagnostic = diagnostics[(i * 7) % diagnostics.length];
    const started = performance.now();
    const actions = await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    times.push(performance.now() - started);
    if (!actions.some((action) => action.title.startsWith('Show documentation for bulwark/')))
      throw new Error('a code-action request returned no Bulwark action');
  }
  return median(times);
}

function markTime(marks, name) {
  const found = marks.find((mark) => mark.name === name);
  if (!found) throw new Error(`the extension host recorded no performance mark ${name}`);
  return found.startTime;
}

exports.run = async function run() {
  const out = process.env.BULWARK_BENCH_ACTIVATION_OUT;
  if (!out) throw new Error('BULWARK_BENCH_ACTIVATION_OUT is not set: run this probe through scripts/bench-extension.mjs');
  const scenario = process.env.BULWARK_BENCH_SCENARIO;
  if (scenario !== 'preloaded' && scenario !== 'cold') throw new Error(`BULWARK_BENCH_SCENARIO must be preloaded or cold, got ${scenario}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`;
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`extension ${id} is not known to the host`);
  // The host sandbox lints with every rule (for the tests); a user who opens a first file has the default.
  await vscode.workspace.getConfiguration('bulwark').update('ruleSet', 'recommended', vscode.ConfigurationTarget.Global);
  let editor;
  if (scenario === 'preloaded') {
    const api = await extension.activate();
    if (!(await api.linterPreloaded)) throw new Error('the extension did not preload its linter in a folder with package.json');
    editor = await openSample();
    editor.codeActionRequestMs = await codeActionRequestMs(editor.document, editor.diagnostics);
  } else {
    // Anything that activated it already would mean opening the sample is not what activates it.
    if (extension.isActive) throw new Error(`${id} was already active before the sample opened`);
    editor = await openSample();
  }
  const performanceMarks = globalThis.MonacoPerformanceMarks;
  if (!performanceMarks || typeof performanceMarks.getMarks !== 'function')
    throw new Error('this VS Code exposes no MonacoPerformanceMarks in the extension host');
  const marks = performanceMarks.getMarks();
  const between = (from, to) => markTime(marks, `code/extHost/${to}/${id}`) - markTime(marks, `code/extHost/${from}/${id}`);
  const loadMs = between('willLoadExtensionCode', 'didLoadExtensionCode');
  const activateCallMs = between('willActivateExtension', 'didActivateExtension');
  fs.writeFileSync(
    out,
    JSON.stringify({
      scenario,
      loadMs,
      activateCallMs,
      activationMs: loadMs + activateCallMs,
      vscodeVersion: vscode.version,
      firstDiagnosticsMs: editor.firstDiagnosticsMs,
      // Cold: when, after the sample opened, the extension host started and finished activating Bulwark
      // (its marks are wall-clock times); the rest of the wait is the linter thread and the host's queue.
      ...(scenario === 'cold'
        ? {
            activationStartedAfterOpenMs: markTime(marks, `code/extHost/willActivateExtension/${id}`) - editor.openedAt,
            activatedAfterOpenMs: markTime(marks, `code/extHost/didActivateExtension/${id}`) - editor.openedAt,
          }
        : {}),
      diagnosticsOnOpen: editor.diagnostics.length,
      ...(editor.codeActionRequestMs === undefined ? {} : { codeActionRequestMs: editor.codeActionRequestMs }),
    }),
  );
};
