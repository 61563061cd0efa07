// Extension-tests module that scripts/vscode-host/run.mjs loads into a real VS Code extension
// host (instead of the mocha suite) to time the extension's activation, as VS Code itself times
// it: the extension host marks `code/extHost/{will,did}LoadExtensionCode/<id>` around loading the
// main file and `code/extHost/{will,did}ActivateExtension/<id>` around activate() (the numbers
// "Developer: Show Running Extensions" adds up). The probe activates the extension, which must
// not be active yet, reads those marks, and writes JSON to $BULWARK_BENCH_ACTIVATION_OUT.
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

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
  if (!performanceMarks || typeof performanceMarks.getMarks !== 'function') throw new Error('this VS Code exposes no MonacoPerformanceMarks in the extension host');
  const marks = performanceMarks.getMarks();
  const between = (from, to) => markTime(marks, `code/extHost/${to}/${id}`) - markTime(marks, `code/extHost/${from}/${id}`);
  const loadMs = between('willLoadExtensionCode', 'didLoadExtensionCode');
  const activateCallMs = between('willActivateExtension', 'didActivateExtension');
  fs.writeFileSync(out, JSON.stringify({ loadMs, activateCallMs, activationMs: loadMs + activateCallMs, wallMs, vscodeVersion: vscode.version }));
};
