import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import { mentions } from '../util/source-text.js';
import { isFunctionNode, skipTypeWrappers, trailingName } from '../util/ast.js';

export interface NoAckInFinallyOptions {
  /** Methods that acknowledge (and so delete) a message. Default: ack, acknowledge, deleteMessage, deleteMessages, commitOffsets. */
  ackMethods?: string[];
}

const DEFAULT_ACK_METHODS = ['ack', 'acknowledge', 'deleteMessage', 'deleteMessages', 'commitOffsets'];
/** AWS SDK v3 commands that delete SQS messages, sent with `client.send(new ...)`. */
const DELETE_COMMANDS: ReadonlySet<string> = new Set(['DeleteMessageCommand', 'DeleteMessageBatchCommand']);

export default createRule<[NoAckInFinallyOptions], 'ackInFinally'>({
  name: 'no-ack-in-finally',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow acknowledging a queue message in a `finally` block, which acks failed messages too',
      recommended: 'error',
    },
    schema: [
      {
        type: 'object',
        properties: {
          ackMethods: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Methods that acknowledge or delete a message.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ ackMethods: DEFAULT_ACK_METHODS }],
    messages: {
      ackInFinally:
        '`{{call}}` in `finally` runs when processing failed too: the failed message is acknowledged and lost. Acknowledge after the work succeeds (end of `try`), and let failures be redelivered or dead-lettered.',
    },
  },
  create(context, [options]) {
    // No `finally`, nothing to report: skip the per-call work on most files.
    if (!mentions(context.sourceCode, 'finally')) return {};
    const ackMethods = new Set(options.ackMethods ?? DEFAULT_ACK_METHODS);

    return {
      CallExpression(node) {
        const name = trailingName(node.callee);
        if (name === undefined) return;
        const isAck = ackMethods.has(name) || (name === 'send' && isDeleteCommand(node.arguments[0]));
        if (isAck && isInFinallyOfSameFunction(node)) {
          context.report({ node, messageId: 'ackInFinally', data: { call: `${name}(…)` } });
        }
      },
    };
  },
});

function isDeleteCommand(argument: TSESTree.Node | undefined): boolean {
  const value = argument && skipTypeWrappers(argument);
  return value?.type === AST_NODE_TYPES.NewExpression && DELETE_COMMANDS.has(trailingName(value.callee) ?? '');
}

/** Inside a `finally` block, without a function boundary in between (a callback defined there runs later, or never). */
function isInFinallyOfSameFunction(node: TSESTree.Node): boolean {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (isFunctionNode(current)) return false;
    if (current.type === AST_NODE_TYPES.TryStatement && current.finalizer === child) return true;
  }
  return false;
}
