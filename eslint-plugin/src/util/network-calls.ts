/**
 * The one definition of a "network call" every bulwark rule shares (see the rules spec):
 *   - global `fetch(...)` (also `globalThis.fetch`, and `fetch` imported from a fetch polyfill);
 *   - `axios(...)`, `axios.request|get|delete|head|options|post|put|patch(...)`, and the same
 *     methods on instances made by `axios.create(...)` in the same file;
 *   - `got(...)` and `got.get|post|put|patch|head|delete(...)`.
 * Detection is syntactic: names are matched, imports under other local names are followed, and
 * a local binding that shadows `fetch` is not the network `fetch`.
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { findProperty, hasSpread, referenceKey, skipTypeWrappers, staticMemberName, staticStringValue, walk } from './ast.js';
import { mentions, mentionsAny } from './source-text.js';

export type NetworkClient = 'fetch' | 'axios' | 'got';

export interface AxiosInstance {
  /** How calls reach the instance: `api`, `this.http`, ... */
  readonly key: string;
  /** The `axios.create(...)` call that made it. */
  readonly createCall: TSESTree.CallExpression;
  /** The config passed to `axios.create`, when one is. */
  readonly config: TSESTree.CallExpressionArgument | undefined;
}

export interface NetworkCall {
  readonly kind: NetworkClient;
  readonly call: TSESTree.CallExpression;
  /**
   * Upper-case HTTP method when it is statically known (`GET` for `axios.get`, the literal
   * `method` of an init object, or the client's default `GET` when no method is given);
   * `undefined` when it depends on runtime values.
   */
  readonly method: string | undefined;
  /** The fetch init / axios or got config argument, when the call passes one. */
  readonly options: TSESTree.CallExpressionArgument | undefined;
  /** Where the init/config argument goes in `call.arguments` (for fixes that add one). */
  readonly optionsIndex: number;
  /** The axios instance the call is made on, when it is one made by `axios.create` in the file. */
  readonly instance: AxiosInstance | undefined;
}

const AXIOS_METHODS: ReadonlySet<string> = new Set(['request', 'get', 'delete', 'head', 'options', 'post', 'put', 'patch']);
/** axios methods whose signature is `(url, data, config)`; the others are `(url, config)`. */
const AXIOS_METHODS_WITH_BODY: ReadonlySet<string> = new Set(['post', 'put', 'patch']);
const GOT_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'head', 'delete']);
/** Every method name a network call can be made with. */
const NETWORK_METHODS: ReadonlySet<string> = new Set(['fetch', ...AXIOS_METHODS, ...GOT_METHODS]);
const FETCH_MODULES: ReadonlySet<string> = new Set(['node-fetch', 'undici', 'cross-fetch', 'isomorphic-fetch', 'make-fetch-happen']);
const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'window', 'self', 'global']);

interface FileClients {
  readonly axiosNames: ReadonlySet<string>;
  readonly gotNames: ReadonlySet<string>;
  readonly axiosInstances: ReadonlyMap<string, AxiosInstance>;
}

// Several rules ask about the same file; scan it once per parse.
const clientsByAst = new WeakMap<TSESTree.Program, FileClients>();

const mentionsClientByAst = new WeakMap<TSESTree.Program, boolean>();

/**
 * Whether the file can contain a network call at all: rules skip every listener on files that
 * never mention a client, which is most files. Three rules ask, so the text is scanned once.
 */
export function mayContainNetworkCalls(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let mentions = mentionsClientByAst.get(sourceCode.ast);
  if (mentions === undefined) {
    mentions = mentionsAny(sourceCode, ['fetch', 'axios', 'got']);
    mentionsClientByAst.set(sourceCode.ast, mentions);
  }
  return mentions;
}

/** The network call `node` makes, or `undefined` when it is not one. */
export function getNetworkCall(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.CallExpression): NetworkCall | undefined {
  const callee = skipTypeWrappers(node.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) {
    if (callee.name === 'fetch') {
      return isNetworkFetch(sourceCode, node, callee) ? fetchCall(node) : undefined;
    }
    const clients = fileClients(sourceCode);
    if (clients.axiosNames.has(callee.name)) return axiosCall(node, 'request-or-url', undefined);
    if (clients.gotNames.has(callee.name)) return gotCall(node, undefined);
    return undefined;
  }
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = staticMemberName(callee);
  // Checked before anything else is looked at: most method calls are none of these.
  if (method === undefined || !NETWORK_METHODS.has(method)) return undefined;
  const receiver = skipTypeWrappers(callee.object);

  if (method === 'fetch' && receiver.type === AST_NODE_TYPES.Identifier && GLOBAL_OBJECTS.has(receiver.name)) {
    return fetchCall(node);
  }
  const clients = fileClients(sourceCode);
  if (AXIOS_METHODS.has(method)) {
    if (receiver.type === AST_NODE_TYPES.Identifier && clients.axiosNames.has(receiver.name)) {
      return axiosCall(node, method, undefined);
    }
    // Most `x.get(...)` are maps and caches: only a file with axios instances needs the lookup.
    if (clients.axiosInstances.size > 0 || receiver.type === AST_NODE_TYPES.CallExpression) {
      const instance = axiosInstanceOf(receiver, clients);
      if (instance) return axiosCall(node, method, instance);
    }
  }
  if (GOT_METHODS.has(method) && receiver.type === AST_NODE_TYPES.Identifier && clients.gotNames.has(receiver.name)) {
    return gotCall(node, method);
  }
  return undefined;
}

function isNetworkFetch(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.CallExpression, callee: TSESTree.Identifier): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), callee);
  // Unresolved, or a configured global with no declaration in the file: the platform fetch.
  if (!variable || variable.defs.length === 0) return true;
  return variable.defs.some(
    (def) => def.type === 'ImportBinding' && def.parent.type === AST_NODE_TYPES.ImportDeclaration && FETCH_MODULES.has(def.parent.source.value),
  );
}

function fetchCall(node: TSESTree.CallExpression): NetworkCall {
  const input = node.arguments[0];
  const init = node.arguments[1];
  let method: string | undefined;
  if (init) method = methodFromOptions(init);
  // A Request object carries its own method; a URL or string means GET.
  else if (input && input.type === AST_NODE_TYPES.NewExpression) method = isNamed(input.callee, 'Request') ? undefined : 'GET';
  else method = 'GET';
  return { kind: 'fetch', call: node, method, options: init, optionsIndex: 1, instance: undefined };
}

function axiosCall(node: TSESTree.CallExpression, method: string, instance: AxiosInstance | undefined): NetworkCall {
  const args = node.arguments;
  if (method === 'request-or-url' || method === 'request') {
    // axios(config), axios(url, config), instance.request(config)
    const first = args[0];
    const firstIsUrl = method === 'request-or-url' && first !== undefined && isUrlLike(first);
    const optionsIndex = firstIsUrl ? 1 : 0;
    const options = args[optionsIndex];
    return {
      kind: 'axios',
      call: node,
      method: options ? methodFromOptions(options) : 'GET',
      options,
      optionsIndex,
      instance,
    };
  }
  const optionsIndex = AXIOS_METHODS_WITH_BODY.has(method) ? 2 : 1;
  return {
    kind: 'axios',
    call: node,
    method: method.toUpperCase(),
    options: args[optionsIndex],
    optionsIndex,
    instance,
  };
}

function gotCall(node: TSESTree.CallExpression, method: string | undefined): NetworkCall {
  const args = node.arguments;
  const first = args[0];
  // got(url, options) or got(options); a lone identifier is almost always the URL.
  const optionsIndex = first !== undefined && args.length === 1 && skipTypeWrappers(first).type === AST_NODE_TYPES.ObjectExpression ? 0 : 1;
  const options = args[optionsIndex];
  return {
    kind: 'got',
    call: node,
    method: method ? method.toUpperCase() : options ? methodFromOptions(options) : 'GET',
    options,
    optionsIndex,
    instance: undefined,
  };
}

/** Strings, templates and `new URL(...)` are URLs; anything else might be a config object. */
function isUrlLike(node: TSESTree.CallExpressionArgument): boolean {
  return (
    (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') ||
    node.type === AST_NODE_TYPES.TemplateLiteral ||
    (node.type === AST_NODE_TYPES.NewExpression && isNamed(node.callee, 'URL')) ||
    node.type === AST_NODE_TYPES.BinaryExpression
  );
}

function isNamed(node: TSESTree.Node, name: string): boolean {
  return node.type === AST_NODE_TYPES.Identifier && node.name === name;
}

function methodFromOptions(options: TSESTree.CallExpressionArgument): string | undefined {
  const object = skipTypeWrappers(options);
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  const property = findProperty(object, 'method');
  if (!property) return hasSpread(object) ? undefined : 'GET';
  return staticStringValue(property.value)?.toUpperCase();
}

function axiosInstanceOf(receiver: TSESTree.Node, clients: FileClients): AxiosInstance | undefined {
  if (receiver.type === AST_NODE_TYPES.CallExpression) {
    // axios.create({...}).get(url)
    return isAxiosCreate(receiver, clients.axiosNames) ? { key: '', createCall: receiver, config: receiver.arguments[0] } : undefined;
  }
  const key = referenceKey(receiver);
  return key === undefined ? undefined : clients.axiosInstances.get(key);
}

function isAxiosCreate(node: TSESTree.Node, axiosNames: ReadonlySet<string>): node is TSESTree.CallExpression {
  if (node.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = skipTypeWrappers(node.callee);
  return (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    staticMemberName(callee) === 'create' &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    axiosNames.has(callee.object.name)
  );
}

function fileClients(sourceCode: Readonly<TSESLint.SourceCode>): FileClients {
  const program = sourceCode.ast;
  const cached = clientsByAst.get(program);
  if (cached) return cached;

  const axiosNames = new Set(['axios']);
  const gotNames = new Set(['got']);
  const text = sourceCode.text;
  if (text.includes("'axios'") || text.includes('"axios"') || text.includes("'got'") || text.includes('"got"')) {
    for (const [local, source] of importedBindings(program)) {
      if (source === 'axios') axiosNames.add(local);
      if (source === 'got') gotNames.add(local);
    }
  }
  const axiosInstances = new Map<string, AxiosInstance>();
  // Instances can be created after their first use in source order (class fields, hoisting),
  // so they are collected from the whole file before any call is judged. Every instance comes
  // from `<axios name>.create`, and every axios name from the word `axios` (itself, or an import
  // of the module): a file without both never pays for the walk.
  if (text.includes('.create') && mentions(sourceCode, 'axios')) {
    walk(program, sourceCode.visitorKeys, (node) => {
      const created = instanceBinding(node);
      if (!created) return;
      const [key, value] = created;
      const init = value && skipTypeWrappers(value);
      if (key !== undefined && init && isAxiosCreate(init, axiosNames)) {
        axiosInstances.set(key, { key, createCall: init, config: init.arguments[0] });
      }
    });
  }
  const clients = { axiosNames, gotNames, axiosInstances };
  clientsByAst.set(program, clients);
  return clients;
}

/** `const k = v`, `k = v`, `this.k = v`, and class fields `k = v` (reached as `this.k`). */
function instanceBinding(node: TSESTree.Node): [string | undefined, TSESTree.Node | null] | undefined {
  switch (node.type) {
    case AST_NODE_TYPES.VariableDeclarator:
      return [node.id.type === AST_NODE_TYPES.Identifier ? node.id.name : undefined, node.init];
    case AST_NODE_TYPES.AssignmentExpression:
      return node.operator === '=' ? [referenceKey(node.left), node.right] : undefined;
    case AST_NODE_TYPES.PropertyDefinition:
      if (node.computed || node.static) return undefined;
      return [node.key.type === AST_NODE_TYPES.Identifier ? `this.${node.key.name}` : undefined, node.value];
    default:
      return undefined;
  }
}

/** Local name and module of every default/namespace import and `const x = require('m')`. */
function* importedBindings(program: TSESTree.Program): Generator<[string, string]> {
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      for (const specifier of statement.specifiers) {
        const imported =
          specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : 'default';
        if (imported === 'default') yield [specifier.local.name, statement.source.value];
      }
    } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        const init = declarator.init && skipTypeWrappers(declarator.init);
        if (declarator.id.type === AST_NODE_TYPES.Identifier && init?.type === AST_NODE_TYPES.CallExpression && isNamed(init.callee, 'require')) {
          const source = staticStringValue(init.arguments[0]);
          if (source !== undefined) yield [declarator.id.name, source];
        }
      }
    }
  }
}
