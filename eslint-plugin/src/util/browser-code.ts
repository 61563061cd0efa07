/**
 * Same-origin requests made from browser code. The network rules (timeout, retry, fan-out) are
 * about a server calling other services; a client component calling its own backend with
 * `fetch('/api/x')` is neither (the browser owns the connection, the page owns the retry UI),
 * and on a server such a call cannot even run: Node's `fetch` rejects a relative URL.
 *
 * A request is treated as a browser same-origin request when its URL is relative (or built from
 * `location.origin`) and the file is browser code: a `'use client'` module, a module that
 * imports client-only React hooks or a browser UI framework, or one that reads browser-only
 * globals (`window`, `document`, `localStorage`, `sessionStorage`). A URL built from
 * `window.location` is evidence enough on its own.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { findProperty, skipTypeWrappers, staticMemberName } from './ast.js';
import type { NetworkCall } from './network-calls.js';
import { mentionsAny } from './source-text.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/**
 * React hooks (every `useX` but `use`) cannot run in a React Server Component: a module importing
 * them from `react`, or calling `React.useX(…)`, renders in the browser.
 */
const REACT_HOOK = /^use[A-Z]/;
const REACT_HOOK_CALL = /\bReact\.use[A-Z]\w*\s*\(/;
/** Modules that only browser (or browser-rendering) code imports. */
const BROWSER_MODULES =
  /^(?:react-dom(?:\/client)?|vue|svelte(?:\/.*)?|solid-js(?:\/web)?|@angular\/core|preact(?:\/hooks)?|swr|@tanstack\/react-query|next\/router|react-router-dom|sonner|react-hot-toast|@faceless-ui\/[\w-]+)$/;
const BROWSER_GLOBALS: ReadonlySet<string> = new Set(['window', 'document', 'localStorage', 'sessionStorage']);

type Evidence = 'module' | 'globals' | 'none';

const evidenceByAst = new WeakMap<TSESTree.Program, Evidence>();

function evidenceOf(sourceCode: SourceCode): Evidence {
  const program = sourceCode.ast;
  let evidence = evidenceByAst.get(program);
  if (evidence === undefined) {
    evidence = computeEvidence(sourceCode);
    evidenceByAst.set(program, evidence);
  }
  return evidence;
}

/** Whether the file is clearly browser code (see the module comment). Computed once per file. */
export function isBrowserFile(sourceCode: SourceCode): boolean {
  return evidenceOf(sourceCode) !== 'none';
}

/**
 * Whether the module itself says it renders in the browser: a `'use client'` directive, React
 * hooks, a browser UI library. Reading `window` is weaker evidence (isomorphic code reads it
 * too) and does not count here.
 */
export function isClientModule(sourceCode: SourceCode): boolean {
  return evidenceOf(sourceCode) === 'module';
}

function computeEvidence(sourceCode: SourceCode): Evidence {
  const program = sourceCode.ast;
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ExpressionStatement && statement.directive !== undefined) {
      if (statement.directive === 'use client') return 'module';
      continue;
    }
    if (statement.type !== AST_NODE_TYPES.ImportDeclaration) continue;
    const source = statement.source.value.replace(/\.js$/, '');
    if (BROWSER_MODULES.test(source)) return 'module';
    if (source === 'react') {
      for (const specifier of statement.specifiers) {
        if (
          specifier.type === AST_NODE_TYPES.ImportSpecifier &&
          specifier.imported.type === AST_NODE_TYPES.Identifier &&
          REACT_HOOK.test(specifier.imported.name)
        ) {
          return 'module';
        }
      }
    }
  }
  if (sourceCode.text.includes('React.use') && REACT_HOOK_CALL.test(sourceCode.text)) return 'module';
  if (!mentionsAny(sourceCode, BROWSER_GLOBALS)) return 'none';
  // `typeof window === 'undefined'`: isomorphic code, which also runs on the server.
  if (/\btypeof\s+(?:window|document)\b/.test(sourceCode.text)) return 'none';
  const globalScope = sourceCode.scopeManager?.globalScope;
  if (!globalScope) return 'none';
  // Node has no `window` or `document`: a file that reads them unbound runs in a browser.
  return globalScope.through.some((reference) => BROWSER_GLOBALS.has(reference.identifier.name)) ? 'globals' : 'none';
}

/**
 * Whether the request URL `url` reaches the page's own origin: a relative path (`'/api/x'`,
 * `` `/api/${id}` ``, `'./data.json'`, `'/api/' + id`), or a URL built on `location.origin`
 * (`` `${window.location.origin}/api` ``, `new URL('/api', location.href)`). `true` means
 * "relative or page-origin"; a server cannot send such a request with the platform `fetch`.
 */
export function isSameOriginUrl(url: TSESTree.Node | undefined): boolean {
  if (!url) return false;
  const value = skipTypeWrappers(url);
  switch (value.type) {
    case AST_NODE_TYPES.Literal:
      return typeof value.value === 'string' && isRelativeText(value.value);
    case AST_NODE_TYPES.TemplateLiteral: {
      const head = value.quasis[0]?.value.cooked ?? '';
      if (head !== '') return isRelativeText(head);
      const first = value.expressions[0];
      return first !== undefined && isPageLocation(first);
    }
    case AST_NODE_TYPES.BinaryExpression:
      return value.operator === '+' && isSameOriginUrl(value.left);
    case AST_NODE_TYPES.NewExpression:
      // new URL('/api', location.origin)
      return (
        value.callee.type === AST_NODE_TYPES.Identifier && value.callee.name === 'URL' && value.arguments[1] !== undefined && isPageLocation(value.arguments[1])
      );
    default:
      return isPageLocation(value);
  }
}

/** A path with no scheme and no host: `/x`, `./x`, `../x`, `?q=1` (not `//host/x`). */
function isRelativeText(text: string): boolean {
  if (text.startsWith('//')) return false;
  return text.startsWith('/') || text.startsWith('./') || text.startsWith('../') || text.startsWith('?');
}

/**
 * `location.origin`, `location.href`, `window.location(.origin|.href)`, `self.location.origin`,
 * `document.baseURI`. A bare `location` is not enough: servers name variables that too.
 */
function isPageLocation(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  if (value.type !== AST_NODE_TYPES.MemberExpression) return false;
  const name = staticMemberName(value);
  if (name === 'baseURI') return isNamed(value.object, 'document');
  if (name === 'origin' || name === 'href') {
    return isNamed(value.object, 'location') || isWindowLocation(value.object);
  }
  return isWindowLocation(value);
}

function isWindowLocation(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  return (
    value.type === AST_NODE_TYPES.MemberExpression &&
    staticMemberName(value) === 'location' &&
    (isNamed(value.object, 'window') || isNamed(value.object, 'self') || isNamed(value.object, 'document'))
  );
}

function isNamed(node: TSESTree.Node, name: string): boolean {
  const value = skipTypeWrappers(node);
  return value.type === AST_NODE_TYPES.Identifier && value.name === name;
}

/**
 * Whether `url` is a same-origin request from browser code: the network rules stay silent.
 * A URL built from `window.location` proves the browser by itself; a relative path needs the
 * file to be browser code.
 */
export function isBrowserSameOriginRequest(sourceCode: SourceCode, url: TSESTree.Node | undefined): boolean {
  url = url && followConstant(sourceCode, url);
  if (!isSameOriginUrl(url)) return false;
  return mentionsAny(sourceCode, ['location']) && usesPageLocation(url!) ? true : isBrowserFile(sourceCode);
}

/**
 * What a `const` the URL is read from holds: `url`, `url.href` and `url.toString()` for
 * `const url = new URL('/api', location.origin)`. Anything else is returned as it is.
 */
function followConstant(sourceCode: SourceCode, node: TSESTree.Node): TSESTree.Node {
  let value = skipTypeWrappers(node);
  if (value.type === AST_NODE_TYPES.CallExpression && value.arguments.length === 0) {
    const callee = skipTypeWrappers(value.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && staticMemberName(callee) === 'toString') value = skipTypeWrappers(callee.object);
  }
  if (value.type === AST_NODE_TYPES.MemberExpression && staticMemberName(value) === 'href') value = skipTypeWrappers(value.object);
  if (value.type !== AST_NODE_TYPES.Identifier) return node;
  const variable = ASTUtils.findVariable(sourceCode.getScope(value), value);
  const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (
    definition?.type !== 'Variable' ||
    definition.parent?.type !== AST_NODE_TYPES.VariableDeclaration ||
    definition.parent.kind !== 'const' ||
    !definition.node.init
  ) {
    return node;
  }
  return definition.node.init;
}

function usesPageLocation(url: TSESTree.Node): boolean {
  const value = skipTypeWrappers(url);
  if (value.type === AST_NODE_TYPES.TemplateLiteral)
    return value.quasis[0]?.value.cooked === '' && value.expressions[0] !== undefined && isPageLocation(value.expressions[0]);
  if (value.type === AST_NODE_TYPES.NewExpression) return true;
  if (value.type === AST_NODE_TYPES.BinaryExpression) return usesPageLocation(value.left);
  return value.type === AST_NODE_TYPES.MemberExpression;
}

/**
 * The URL a network call requests, when it is written in the call: `fetch(url)`, `axios.get(url)`,
 * `axios(url)`, `axios({ url })`. Calls on axios instances (which may carry a `baseURL`) and got
 * (server-only) have none here.
 */
export function requestUrl(call: NetworkCall): TSESTree.Node | undefined {
  if (call.kind === 'got' || call.instance) return undefined;
  const first = call.call.arguments[0];
  if (!first || first.type === AST_NODE_TYPES.SpreadElement) return undefined;
  if (call.kind === 'axios' && call.optionsIndex === 0) {
    const config = skipTypeWrappers(first);
    if (config.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
    return findProperty(config, 'url')?.value;
  }
  if (call.kind === 'fetch') {
    const input = skipTypeWrappers(first);
    // fetch(new Request('/api/x', init))
    if (input.type === AST_NODE_TYPES.NewExpression && isNamed(input.callee, 'Request')) return input.arguments[0];
  }
  return first;
}

/**
 * Whether `call` is a same-origin request from browser code, which the network rules leave alone:
 * a relative or page-origin URL (see `isBrowserSameOriginRequest`), or, in browser code, a
 * request that sends the page's cookies (`credentials: 'include'` or `'same-origin'`, which
 * only a browser honours): a call to the app's own backend through a URL helper
 * (`fetch(formatAdminURL(…), { credentials: 'include' })`).
 */
export function isBrowserSameOriginCall(sourceCode: SourceCode, call: NetworkCall): boolean {
  if (isBrowserSameOriginRequest(sourceCode, requestUrl(call))) return true;
  return call.kind !== 'got' && sendsPageCredentials(call) && isBrowserFile(sourceCode);
}

function sendsPageCredentials(call: NetworkCall): boolean {
  const options = call.options && skipTypeWrappers(call.options);
  if (options?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  const credentials = findProperty(options, 'credentials')?.value;
  if (credentials?.type === AST_NODE_TYPES.Literal) return credentials.value === 'include' || credentials.value === 'same-origin';
  // axios: withCredentials: true
  const withCredentials = findProperty(options, 'withCredentials')?.value;
  return withCredentials?.type === AST_NODE_TYPES.Literal && withCredentials.value === true;
}
