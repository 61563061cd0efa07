import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import { mentions, mentionsAny } from '../util/source-text.js';
import { findProperty, hasSpread, referenceKey, skipTypeWrappers, staticMemberName, walk } from '../util/ast.js';
import { getNetworkCall, mayContainNetworkCalls, type NetworkCall } from '../util/network-calls.js';
import { isBrowserSameOriginCall } from '../util/browser-code.js';
import { addObjectProperty } from '../util/object-fix.js';
import { transferKind } from '../util/transfers.js';
import { isBoundedByCaller, requestObjectOf } from '../util/call-context.js';

export interface RequireRequestTimeoutOptions {
  /** The timeout, in milliseconds, the suggestions insert. Default 10000. */
  timeoutMs?: number;
}

type Verdict = 'bounded' | 'unbounded' | 'unknown';

type MessageIds = 'missingTimeout' | 'addSignal' | 'addTimeout' | 'addGotTimeout' | 'addGotIdleTimeout';

export default createRule<[RequireRequestTimeoutOptions], MessageIds>({
  name: 'require-request-timeout',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require a timeout on every outgoing HTTP request (`fetch`, axios, got)',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          timeoutMs: { type: 'integer', minimum: 1, description: 'Timeout the suggestions insert, in milliseconds.' },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ timeoutMs: 10000 }],
    messages: {
      missingTimeout: 'This {{client}} request has no timeout: a server that stops answering holds it (and whatever awaits it) forever. {{remedy}}',
      addSignal: 'Add `signal: AbortSignal.timeout({{ms}})`.',
      addTimeout: 'Add `timeout: {{ms}}`.',
      addGotTimeout: 'Add `timeout: { request: {{ms}} }`.',
      addGotIdleTimeout: 'Add `timeout: { socket: {{ms}} }`: an idle timeout, so a long transfer that keeps moving is not cut off.',
    },
  },
  create(context, [{ timeoutMs }]) {
    const sourceCode = context.sourceCode;
    if (!mayContainNetworkCalls(sourceCode)) return {};
    const ms = String(timeoutMs ?? 10000);
    let instancesWithDefaults: ReadonlySet<string> | undefined;

    return {
      CallExpression(node) {
        const call = getNetworkCall(sourceCode, node);
        if (!call) return;
        instancesWithDefaults ??= keysWithDefaultTimeout(sourceCode);
        if (verdictOf(sourceCode, call, instancesWithDefaults) !== 'unbounded') return;
        // Promise.race([fetch(url), timeout(ms)]), withTimeout(fetch(url), ms): the caller is bounded.
        if (isBoundedByCaller(node)) return;

        // A page calling its own backend: the browser owns the connection (see util/browser-code).
        if (isBrowserSameOriginCall(sourceCode, call)) return;

        const transfer = transferKind(sourceCode, call);
        const isFetch = call.kind === 'fetch';
        let remedy = isFetch ? 'Pass `signal: AbortSignal.timeout(ms)`.' : 'Set `timeout` (or pass an abort `signal`).';
        let suggestion: { messageId: MessageIds; property: string } | undefined;
        if (transfer) {
          // A whole-request deadline would abort a legitimate long upload or streamed download.
          remedy =
            transfer === 'upload'
              ? 'It uploads a body that may take long to send, so bound the wait for the response and the time without progress (an idle timeout) rather than the whole transfer.'
              : 'Its response is streamed, so bound the wait for the response headers and the time without progress (an idle timeout) rather than the whole transfer.';
          // axios's Node adapter applies `timeout` to socket inactivity; got has an idle timeout.
          if (call.kind === 'got') suggestion = { messageId: 'addGotIdleTimeout', property: `timeout: { socket: ${ms} }` };
          else if (call.kind === 'axios') suggestion = { messageId: 'addTimeout', property: `timeout: ${ms}` };
        } else if (isFetch) {
          suggestion = { messageId: 'addSignal', property: `signal: AbortSignal.timeout(${ms})` };
        } else if (call.kind === 'got') {
          // got 12+ rejects a number: `timeout` is an object of phases.
          suggestion = { messageId: 'addGotTimeout', property: `timeout: { request: ${ms} }` };
        } else {
          suggestion = { messageId: 'addTimeout', property: `timeout: ${ms}` };
        }
        const fix = suggestion && addOption(sourceCode, call, suggestion.property);
        context.report({
          node: node.callee,
          messageId: 'missingTimeout',
          data: { client: call.kind, remedy },
          suggest: fix && suggestion ? [{ messageId: suggestion.messageId, data: { ms }, fix }] : [],
        });
      },
    };
  },
});

function verdictOf(sourceCode: Readonly<TSESLint.SourceCode>, call: NetworkCall, instancesWithDefaults: ReadonlySet<string>): Verdict {
  // `fetch(...args)`: where the init ends up is unknown.
  if (call.call.arguments.slice(0, call.optionsIndex + 1).some((arg) => arg.type === AST_NODE_TYPES.SpreadElement)) {
    return 'unknown';
  }
  if (call.kind === 'fetch') {
    const input = call.call.arguments[0];
    // fetch(new Request(url, init)) carries the Request's init.
    if (!call.options && input?.type === AST_NODE_TYPES.NewExpression && isIdentifier(input.callee, 'Request')) {
      return optionsVerdict(input.arguments[1], ['signal']);
    }
    // const request = new Request(url, { signal }); fetch(request)
    if (!call.options) {
      const request = requestObjectOf(sourceCode, input);
      if (request === 'opaque') return 'unknown';
      if (request) return optionsVerdict(request.arguments[1], ['signal']);
    }
    // undici's `dispatcher: new Agent({ headersTimeout, bodyTimeout })` carries the timeouts.
    return optionsVerdict(call.options, ['signal', 'dispatcher']);
  }
  if (call.kind === 'got') return optionsVerdict(call.options, ['timeout', 'signal']);

  const own = optionsVerdict(call.options, ['timeout', 'signal']);
  if (own !== 'unbounded') return own;
  const receiver = call.call.callee.type === AST_NODE_TYPES.MemberExpression ? call.call.callee.object : call.call.callee;
  const receiverKey = referenceKey(receiver);
  if (receiverKey !== undefined && instancesWithDefaults.has(receiverKey)) return 'bounded';
  if (!call.instance) return 'unbounded';
  if (instancesWithDefaults.has(call.instance.key)) return 'bounded';
  return optionsVerdict(call.instance.config, ['timeout', 'signal']);
}

function optionsVerdict(options: TSESTree.Node | undefined, keys: readonly string[]): Verdict {
  if (!options) return 'unbounded';
  const object = skipTypeWrappers(options);
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return 'unknown';
  if (keys.some((key) => findProperty(object, key))) return 'bounded';
  return hasSpread(object) ? 'unknown' : 'unbounded';
}

/** Receivers given a default timeout in the file: `axios.defaults.timeout = n`, `api.defaults.timeout = n`. */
function keysWithDefaultTimeout(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlySet<string> {
  const keys = new Set<string>();
  if (!mentions(sourceCode, 'defaults') || !mentionsAny(sourceCode, ['timeout', 'signal'])) return keys;
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.AssignmentExpression || node.left.type !== AST_NODE_TYPES.MemberExpression) return;
    const name = staticMemberName(node.left);
    const target = skipTypeWrappers(node.left.object);
    if ((name === 'timeout' || name === 'signal') && target.type === AST_NODE_TYPES.MemberExpression && staticMemberName(target) === 'defaults') {
      const key = referenceKey(target.object);
      if (key !== undefined) keys.add(key);
    }
  });
  return keys;
}

function isIdentifier(node: TSESTree.Node, name: string): boolean {
  return node.type === AST_NODE_TYPES.Identifier && node.name === name;
}

/** A fix adding `property` to the call's options (or the axios instance's config), when one is safe to write. */
function addOption(sourceCode: Readonly<TSESLint.SourceCode>, call: NetworkCall, property: string): TSESLint.ReportFixFunction | undefined {
  const ownOptions = call.options && skipTypeWrappers(call.options);
  if (ownOptions?.type === AST_NODE_TYPES.ObjectExpression) return addObjectProperty(sourceCode, ownOptions, property);
  if (ownOptions) return undefined;

  // Axios instance without a timeout: the default belongs on `axios.create(...)`, for every call.
  if (call.instance) {
    const config = call.instance.config && skipTypeWrappers(call.instance.config);
    if (config?.type === AST_NODE_TYPES.ObjectExpression) return addObjectProperty(sourceCode, config, property);
    if (!config) {
      const createCall = call.instance.createCall;
      const closing = sourceCode.getLastToken(createCall);
      return closing ? (fixer) => fixer.insertTextBefore(closing, `{ ${property} }`) : undefined;
    }
    return undefined;
  }

  const args = call.call.arguments;
  const last = args.at(-1);
  if (!last || args.length > call.optionsIndex) return undefined;
  // axios.post(url) needs its `data` slot filled before the config can follow.
  const padding = ', undefined'.repeat(call.optionsIndex - args.length);
  const text = `${padding}, { ${property} }`;
  const after = sourceCode.getTokenAfter(last);
  if (after?.value === ',') {
    return (fixer) => fixer.insertTextAfter(after, `${text.slice(1)},`);
  }
  return (fixer) => fixer.insertTextAfter(last, text);
}
