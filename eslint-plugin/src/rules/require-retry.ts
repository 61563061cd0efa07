import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import {
  findProperty,
  isFunctionNode,
  propertyKeyName,
  referenceKey,
  skipTypeWrappers,
  trailingName,
  walk,
  type FunctionNode,
} from '../util/ast.js';
import { getNetworkCall, mayContainNetworkCalls, type NetworkCall } from '../util/network-calls.js';

export interface RequireRetryOptions {
  /** Functions that retry the function they are given. Default: retry, withRetry, pRetry, backOff, fetchWithRetry. */
  wrappers?: string[];
  /** Module the suggestion imports `retry` from when it is not in scope. Default './retry.js'. */
  importSource?: string;
}

const DEFAULT_WRAPPERS = ['retry', 'withRetry', 'pRetry', 'backOff', 'fetchWithRetry'];
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Methods that are safe to retry only when the request carries an idempotency key. */
const KEYED_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH']);

export default createRule<[RequireRetryOptions], 'missingRetry' | 'wrapInRetry'>({
  name: 'require-retry',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Require idempotent HTTP requests to be retried on transient failures',
      recommended: 'warn',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          wrappers: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Functions that retry the function passed to them.',
          },
          importSource: { type: 'string', minLength: 1, description: 'Module the suggestion imports `retry` from.' },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ wrappers: DEFAULT_WRAPPERS, importSource: './retry.js' }],
    messages: {
      missingRetry:
        'Idempotent {{method}} request without a retry: one dropped connection or 503 fails the whole operation. Call it inside a retry wrapper ({{wrappers}}).',
      wrapInRetry: "Wrap in `retry(() => …)`{{importNote}}.",
    },
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    if (!mayContainNetworkCalls(sourceCode)) return {};
    const wrappers = new Set(options.wrappers ?? DEFAULT_WRAPPERS);
    const importSource = options.importSource ?? './retry.js';
    const candidates: NetworkCall[] = [];
    const wrappedFunctions = new Set<FunctionNode>();
    const retriedFunctionNames = new Set<string>();
    const retriedClients = new Set<string>();

    function noteWrapperCall(node: TSESTree.CallExpression): void {
      for (const argument of node.arguments) {
        const value = skipTypeWrappers(argument);
        if (isFunctionNode(value)) {
          wrappedFunctions.add(value);
          // retry(() => this.loadUser(id)): the named function does the retried work.
          walk(value.body, sourceCode.visitorKeys, (inner) => {
            if (inner.type === AST_NODE_TYPES.CallExpression) {
              const name = directCalleeName(inner.callee);
              if (name !== undefined) retriedFunctionNames.add(name);
            }
          });
        } else {
          const name = directCalleeName(value);
          if (name !== undefined) retriedFunctionNames.add(name);
        }
      }
    }

    function isRetried(call: NetworkCall): boolean {
      if (call.kind === 'axios') {
        const callee = skipTypeWrappers(call.call.callee);
        const receiver = callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : callee;
        const key = call.instance?.key || referenceKey(receiver);
        if (key !== undefined && retriedClients.has(key)) return true;
      }
      for (let node: TSESTree.Node | undefined = call.call.parent; node; node = node.parent) {
        if (!isFunctionNode(node)) continue;
        if (wrappedFunctions.has(node)) return true;
        const name = functionName(node);
        if (name !== undefined && retriedFunctionNames.has(name)) return true;
      }
      return false;
    }

    return {
      CallExpression(node) {
        const calleeName = trailingName(node.callee);
        if (calleeName === 'axiosRetry') {
          const client = node.arguments[0] && referenceKey(node.arguments[0]);
          if (client !== undefined) retriedClients.add(client);
        }
        if (calleeName !== undefined && wrappers.has(calleeName)) noteWrapperCall(node);

        const call = getNetworkCall(sourceCode, node);
        if (call && needsRetry(call)) candidates.push(call);
      },
      // Wrappers may appear after the function they retry, so calls are judged once the file is read.
      'Program:exit'() {
        for (const call of candidates) {
          if (isRetried(call)) continue;
          const addImport = !isInScope(sourceCode, call.call, 'retry');
          context.report({
            node: call.call.callee,
            messageId: 'missingRetry',
            data: { method: call.method ?? 'HTTP', wrappers: [...wrappers].join(', ') },
            suggest: [
              {
                messageId: 'wrapInRetry',
                data: { importNote: addImport ? ` and import it from '${importSource}'` : '' },
                fix: (fixer) => {
                  const wrap = fixer.replaceText(call.call, `retry(() => ${sourceCode.getText(call.call)})`);
                  return addImport ? [importRetry(fixer, sourceCode, importSource), wrap] : wrap;
                },
              },
            ],
          });
        }
      },
    };
  },
});

function needsRetry(call: NetworkCall): boolean {
  // got retries idempotent requests by default.
  if (call.kind === 'got' || call.method === undefined) return false;
  if (IDEMPOTENT_METHODS.has(call.method)) return true;
  return KEYED_METHODS.has(call.method) && sendsIdempotencyKey(call.options);
}

function sendsIdempotencyKey(options: TSESTree.Node | undefined): boolean {
  const object = options && skipTypeWrappers(options);
  if (object?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  const headersProperty = findProperty(object, 'headers');
  let headers = headersProperty && skipTypeWrappers(headersProperty.value);
  // new Headers({ 'Idempotency-Key': key })
  if (headers?.type === AST_NODE_TYPES.NewExpression && headers.arguments[0]) headers = skipTypeWrappers(headers.arguments[0]);
  if (headers?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  return headers.properties.some(
    (property) => property.type === AST_NODE_TYPES.Property && propertyKeyName(property)?.toLowerCase() === 'idempotency-key',
  );
}

/** `load` for `load` and `this.load`: names a retry wrapper can be handed. */
function directCalleeName(node: TSESTree.Node): string | undefined {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.MemberExpression && inner.object.type === AST_NODE_TYPES.ThisExpression) {
    return trailingName(inner);
  }
  return undefined;
}

function functionName(node: FunctionNode): string | undefined {
  if (node.id) return node.id.name;
  const parent = node.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.id.type === AST_NODE_TYPES.Identifier ? parent.id.name : undefined;
    case AST_NODE_TYPES.MethodDefinition:
    case AST_NODE_TYPES.PropertyDefinition:
      return parent.key.type === AST_NODE_TYPES.Identifier ? parent.key.name : undefined;
    case AST_NODE_TYPES.Property:
      return propertyKeyName(parent);
    case AST_NODE_TYPES.AssignmentExpression:
      return trailingName(parent.left);
    default:
      return undefined;
  }
}

function isInScope(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, name: string): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), name);
  return variable !== null && variable.defs.length > 0;
}

function importRetry(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  importSource: string,
): TSESLint.RuleFix {
  const program = sourceCode.ast;
  const imports = program.body.filter((statement) => statement.type === AST_NODE_TYPES.ImportDeclaration);
  const quote = imports[0]?.source.raw.startsWith('"') ? '"' : "'";
  const source = `${quote}${importSource}${quote}`;
  const lastImport = imports.at(-1);
  if (lastImport) return fixer.insertTextAfter(lastImport, `\nimport { retry } from ${source};`);
  const statement =
    program.sourceType === 'module' ? `import { retry } from ${source};` : `const { retry } = require(${source});`;
  // After directives ('use strict', 'use server'), which must stay first.
  const firstNonDirective = program.body.find(
    (node) => !(node.type === AST_NODE_TYPES.ExpressionStatement && node.directive !== undefined),
  );
  if (firstNonDirective) return fixer.insertTextBefore(firstNonDirective, `${statement}\n`);
  return fixer.insertTextAfterRange([program.range[1], program.range[1]], `\n${statement}`);
}
