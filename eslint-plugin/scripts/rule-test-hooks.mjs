// Module resolve hook of rule-test-cases.mjs: tests/setup imported from anywhere under tests/ (the rule
// suites, or the helpers that wrap runRuleTests) resolves to the recorder.
let recorderUrl;
let rulesTestsUrl;

export function initialize(data) {
  ({ recorderUrl, rulesTestsUrl } = data);
}

export async function resolve(specifier, context, nextResolve) {
  const testsUrl = new URL('../', rulesTestsUrl).href;
  if (context.parentURL?.startsWith(testsUrl) && /^\.{1,2}\/setup(\.js|\.ts)?$/.test(specifier)) {
    const setupUrl = new URL(specifier.replace(/(\.js)?$/, '.ts'), context.parentURL).href;
    if (setupUrl === new URL('setup.ts', testsUrl).href) return { url: recorderUrl, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
