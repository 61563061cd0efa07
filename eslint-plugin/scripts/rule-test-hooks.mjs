// Module resolve hook of rule-test-cases.mjs: `../setup.js` imported from tests/rules/ resolves to the recorder.
let recorderUrl;
let rulesTestsUrl;

export function initialize(data) {
  ({ recorderUrl, rulesTestsUrl } = data);
}

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.startsWith(rulesTestsUrl) && /^\.\.\/setup(\.js|\.ts)?$/.test(specifier)) {
    return { url: recorderUrl, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
