/**
 * Requests that move a body whose size (and so duration) the code does not bound: uploads of
 * forms, files and streams, and responses read as streams (downloads, server-sent events,
 * streamed LLM completions, proxies). A fixed whole-request deadline aborts these when they are
 * working as intended, so the timeout rule offers a different fix for them.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { findProperty, propertyKeyName, skipTypeWrappers, staticMemberName, staticStringValue, trailingName, walk } from './ast.js';
import type { NetworkCall } from './network-calls.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

export type TransferKind = 'upload' | 'stream';

/** Body values whose names say they are forms, files or streams. */
const UPLOAD_NAME = /form|stream|file|blob|upload|readable|attachment|multipart/i;
/** Constructors and factories of forms, files and streams. */
const UPLOAD_FACTORY = /^(?:FormData|Blob|File|ReadableStream|PassThrough|Readable|createReadStream|openAsBlob|fromWeb|stream)$/;
const STREAM_MEDIA_TYPE = /text\/event-stream|ndjson|octet-stream/i;

export function transferKind(sourceCode: SourceCode, call: NetworkCall): TransferKind | undefined {
  const options = call.options && skipTypeWrappers(call.options);
  const object = options?.type === AST_NODE_TYPES.ObjectExpression ? options : undefined;
  if (object && (findProperty(object, 'duplex') || findProperty(object, 'onUploadProgress'))) return 'upload';
  if (isUploadBody(bodyOf(call, object))) return 'upload';
  if (object && streamsResponse(object)) return 'stream';
  if (call.kind === 'fetch' && readsBodyAsStream(sourceCode, call.call)) return 'stream';
  return undefined;
}

/** The request body: fetch/got `body` (got also `form`), axios `data` or the data argument. */
function bodyOf(call: NetworkCall, object: TSESTree.ObjectExpression | undefined): TSESTree.Node | undefined {
  if (call.kind === 'axios') {
    if (call.optionsIndex === 2) return call.call.arguments[1];
    return object ? findProperty(object, 'data')?.value : undefined;
  }
  if (!object) return undefined;
  return (findProperty(object, 'body') ?? findProperty(object, 'form'))?.value;
}

function isUploadBody(body: TSESTree.Node | undefined): boolean {
  if (!body) return false;
  const value = skipTypeWrappers(body);
  if (value.type === AST_NODE_TYPES.NewExpression || value.type === AST_NODE_TYPES.CallExpression) {
    const name = trailingName(value.callee);
    if (name !== undefined && UPLOAD_FACTORY.test(name)) return true;
    // Readable.from(chunks), stream.Readable.from(...)
    const callee = skipTypeWrappers(value.callee);
    const receiver = callee.type === AST_NODE_TYPES.MemberExpression ? trailingName(callee.object) : undefined;
    return receiver !== undefined && /^(?:Readable|stream)$/.test(receiver);
  }
  if (value.type === AST_NODE_TYPES.Identifier || value.type === AST_NODE_TYPES.MemberExpression) {
    const name = trailingName(value);
    if (name !== undefined && UPLOAD_NAME.test(name)) return true;
    // Proxying the incoming request: `body: req`, `body: request.body`.
    const base = value.type === AST_NODE_TYPES.MemberExpression && name === 'body' ? skipTypeWrappers(value.object) : value;
    const baseName = trailingName(base);
    return baseName === 'req' || baseName === 'request';
  }
  return false;
}

/** axios `responseType: 'stream'`, an `Accept: text/event-stream` header, or `stream: true` anywhere in it. */
function streamsResponse(object: TSESTree.ObjectExpression): boolean {
  const responseType = findProperty(object, 'responseType');
  if (responseType && staticStringValue(responseType.value) === 'stream') return true;
  let found = false;
  walk(
    object,
    { Property: ['key', 'value'], ObjectExpression: ['properties'], CallExpression: ['arguments'], NewExpression: ['arguments'] } as never,
    (node) => {
      if (found || node.type !== AST_NODE_TYPES.Property) return;
      const key = propertyKeyName(node)?.toLowerCase();
      const value = skipTypeWrappers(node.value);
      if (key === 'stream' && value.type === AST_NODE_TYPES.Literal && value.value === true) found = true;
      if (key === 'accept' && STREAM_MEDIA_TYPE.test(staticStringValue(value) ?? '')) found = true;
    },
  );
  return found;
}

/**
 * Whether the response of `call` is read as a stream: `.body` taken from it (`res.body.getReader()`,
 * `Readable.fromWeb(res.body)`, `for await (const chunk of res.body)`), directly or through the
 * variable the awaited response is stored in.
 */
function readsBodyAsStream(sourceCode: SourceCode, call: TSESTree.CallExpression): boolean {
  let value: TSESTree.Node = call;
  while (value.parent && (value.parent.type === AST_NODE_TYPES.AwaitExpression || isWrapper(value.parent, value))) value = value.parent;
  const parent = value.parent;
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === value) {
    const name = staticMemberName(parent);
    if (name === 'body') return true;
    // fetch(url).then((res) => res.body)
    if (name === 'then' && parent.parent?.type === AST_NODE_TYPES.CallExpression) {
      const callback = parent.parent.arguments[0];
      if (callback?.type === AST_NODE_TYPES.ArrowFunctionExpression || callback?.type === AST_NODE_TYPES.FunctionExpression) {
        const param = callback.params[0];
        if (param?.type === AST_NODE_TYPES.Identifier) return variableReadsBody(sourceCode, sourceCode.getDeclaredVariables(callback), param.name);
      }
    }
    return false;
  }
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === value && parent.id.type === AST_NODE_TYPES.Identifier) {
    return variableReadsBody(sourceCode, sourceCode.getDeclaredVariables(parent), parent.id.name);
  }
  return false;
}

function variableReadsBody(_sourceCode: SourceCode, variables: readonly TSESLint.Scope.Variable[], name: string): boolean {
  const variable = variables.find((candidate) => candidate.name === name);
  if (!variable) return false;
  return variable.references.some((reference) => {
    const parent = reference.identifier.parent;
    return parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === reference.identifier && staticMemberName(parent) === 'body';
  });
}

function isWrapper(parent: TSESTree.Node, child: TSESTree.Node): boolean {
  switch (parent.type) {
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.ChainExpression:
      return parent.expression === child;
    default:
      return false;
  }
}
