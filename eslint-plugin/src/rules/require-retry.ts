import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../util/create-rule.js';
import { findProperty, isFunctionNode, propertyKeyName, referenceKey, skipTypeWrappers, trailingName, walk, type FunctionNode } from '../util/ast.js';
import { getNetworkCall, mayContainNetworkCalls, type NetworkCall } from '../util/network-calls.js';
import { isBrowserSameOriginCall, isClientModule } from '../util/browser-code.js';
import { endOfLineAfter, lineEnding } from '../util/object-fix.js';
import { findRetryPattern, retryPatternSpecifier } from '../util/retry-pattern.js';
import { transferKind } from '../util/transfers.js';
import { isBestEffort, requestObjectOf } from '../util/call-context.js';

export interface RequireRetryOptions {
  /** Functions that retry the function they are given. Default: retry, withRetry, pRetry, backOff, fetchWithRetry. */
  wrappers?: string[];
  /**
   * Module the suggestion imports `retry` from when it is not in scope. Default: none, in which
   * case the project's copy of the Bulwark retry pattern is found (bulwark.json, provenance
   * line) and imported, or, with no copy, the call is wrapped with no import added.
   */
  importSource?: string;
}

const DEFAULT_WRAPPERS = ['retry', 'withRetry', 'pRetry', 'backOff', 'fetchWithRetry'];
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Methods that are safe to retry only when the request carries an idempotency key. */
const KEYED_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH']);
/** Any function whose name says it retries (`retryAsync`, `withRetries`, `this.retrying`) is a wrapper too. */
const RETRY_NAME = /retr(?:y|ies|ying)/i;
/** A function with such a name implements a retry: the requests inside it are the retried work. */
const RETRY_IMPLEMENTATION_NAME = /retr(?:y|ies|ying)|backoff/i;
/** Data-fetching hooks and clients that retry failed queries by default (TanStack Query, SWR). */
const RETRYING_QUERY_FUNCTIONS: ReadonlySet<string> = new Set([
  'useQuery',
  'useSuspenseQuery',
  'useInfiniteQuery',
  'useSuspenseInfiniteQuery',
  'useQueries',
  'createQuery',
  'createInfiniteQuery',
  'queryOptions',
  'infiniteQueryOptions',
  'fetchQuery',
  'prefetchQuery',
  'ensureQueryData',
  'useSWR',
  'useSWRInfinite',
  'useSWRImmutable',
]);
/** Awaited calls that wait between attempts: `sleep(ms)`, `delay(ms)`, `backoff.wait(n)`, `setTimeout(ms)`. */
const DELAY_NAME = /^(?:sleep|delay|wait|pause|backoff|backOff|setTimeout|waitFor\w*|sleep\w+|delay\w+)$/;
/**
 * Executors that retry what they run: LangChain's `AsyncCaller` (`this.caller.call(() => fetch(…))`,
 * `this.asyncCaller.callWithOptions(…)`) retries with backoff by default.
 */
const RETRYING_EXECUTOR = /^(?:async)?caller$/i;
const EXECUTOR_METHODS: ReadonlySet<string> = new Set(['call', 'callWithOptions']);

function isRetryingExecutorCall(call: TSESTree.CallExpression): boolean {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const method = trailingName(callee);
  const receiver = trailingName(callee.object);
  return method !== undefined && EXECUTOR_METHODS.has(method) && receiver !== undefined && RETRYING_EXECUTOR.test(receiver);
}
/** Loop counters of retry loops. */
const ATTEMPT_NAME = /attempt|retr(?:y|ies)|tries|tried/i;
/** Names the suggestion may give an imported retry, in order of preference. */
const IMPORT_NAMES = ['retry', 'bulwarkRetry'];

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
          importSource: {
            type: 'string',
            minLength: 1,
            description: "Module the suggestion imports `retry` from (default: the project's Bulwark retry pattern, when found).",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ wrappers: DEFAULT_WRAPPERS }],
    messages: {
      missingRetry:
        '{{method}} request without a retry: one dropped connection or 503 fails the whole operation. Call it inside a retry wrapper ({{wrappers}}).',
      wrapInRetry: 'Wrap in `{{name}}({{async}}() => …)`{{importNote}}.',
    },
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    if (!mayContainNetworkCalls(sourceCode)) return {};
    const wrappers = new Set(options.wrappers ?? DEFAULT_WRAPPERS);
    const candidates: NetworkCall[] = [];
    const wrappedFunctions = new Set<FunctionNode>();
    const retriedFunctionNames = new Set<string>();
    const retriedClients = new Set<string>();

    // `import { retry as withBackoff } from './patterns/retry.js'`: the local name is a wrapper too.
    const importedWrappers = new Set<string>();
    for (const statement of sourceCode.ast.body) {
      if (statement.type !== AST_NODE_TYPES.ImportDeclaration) continue;
      for (const specifier of statement.specifiers) {
        if (
          specifier.type === AST_NODE_TYPES.ImportSpecifier &&
          specifier.imported.type === AST_NODE_TYPES.Identifier &&
          RETRY_NAME.test(specifier.imported.name)
        ) {
          importedWrappers.add(specifier.local.name);
        }
      }
    }

    function isWrapperName(name: string): boolean {
      return wrappers.has(name) || RETRY_NAME.test(name) || importedWrappers.has(name);
    }

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

    /** `useQuery({ queryFn: () => fetch(url) })`, `useSWR(key, fetcher)`: the library retries. */
    function noteQueryCall(node: TSESTree.CallExpression): void {
      for (const argument of node.arguments) {
        const value = skipTypeWrappers(argument);
        if (value.type === AST_NODE_TYPES.ObjectExpression) {
          const queryFn = findProperty(value, 'queryFn');
          if (queryFn) noteWrapperCall({ ...node, arguments: [queryFn.value as TSESTree.CallExpressionArgument] });
        } else {
          noteWrapperCall({ ...node, arguments: [argument] });
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
      let child: TSESTree.Node = call.call;
      let inOwnFunction = true;
      for (let node: TSESTree.Node | undefined = call.call.parent; node; child = node, node = node.parent) {
        // Only a loop of the function that makes the call can be retrying it.
        if (inOwnFunction && isLoop(node) && node.body === child && isRetryLoop(node)) return true;
        if (!isFunctionNode(node)) continue;
        inOwnFunction = false;
        if (wrappedFunctions.has(node)) return true;
        const name = functionName(node);
        if (name !== undefined && (retriedFunctionNames.has(name) || RETRY_IMPLEMENTATION_NAME.test(name))) return true;
      }
      return false;
    }

    /**
     * A loop that already tries the call again: it waits between iterations (`await sleep(…)`,
     * `await new Promise((r) => setTimeout(r, ms))`) or counts attempts (`attempt < 3`).
     */
    function isRetryLoop(loop: Loop): boolean {
      const header = loopHeader(loop);
      if (header.some((part) => mentionsAttempt(part))) return true;
      let retries = false;
      walkInFunction(loop.body, (node) => {
        if (retries) return;
        // await sleep(…) between iterations
        if (node.type === AST_NODE_TYPES.AwaitExpression && isDelay(node.argument)) retries = true;
        // retryCounter += 1, attempt++: the body counts its attempts
        const counted =
          node.type === AST_NODE_TYPES.UpdateExpression
            ? node.argument
            : node.type === AST_NODE_TYPES.AssignmentExpression && node.operator !== '='
              ? node.left
              : undefined;
        if (counted?.type === AST_NODE_TYPES.Identifier && ATTEMPT_NAME.test(counted.name)) retries = true;
      });
      return retries;
    }

    function mentionsAttempt(node: TSESTree.Node): boolean {
      let found = false;
      walkInFunction(node, (inner) => {
        if (!found && inner.type === AST_NODE_TYPES.Identifier && ATTEMPT_NAME.test(inner.name)) found = true;
      });
      return found;
    }

    /** Visits `root` and its descendants, not entering nested functions. */
    function walkInFunction(root: TSESTree.Node, visit: (node: TSESTree.Node) => void): void {
      const stack: TSESTree.Node[] = [root];
      while (stack.length > 0) {
        const node = stack.pop()!;
        visit(node);
        for (const key of sourceCode.visitorKeys[node.type] ?? []) {
          const value = (node as unknown as Record<string, unknown>)[key];
          for (const child of Array.isArray(value) ? value : [value]) {
            if (isNode(child) && !isFunctionNode(child)) stack.push(child);
          }
        }
      }
    }

    function isDelay(awaited: TSESTree.Expression): boolean {
      const value = skipTypeWrappers(awaited);
      if (value.type === AST_NODE_TYPES.CallExpression) {
        const name = trailingName(value.callee);
        return name !== undefined && DELAY_NAME.test(name);
      }
      if (value.type !== AST_NODE_TYPES.NewExpression || !isIdentifierNamed(value.callee, 'Promise')) return false;
      const executor = value.arguments[0];
      if (!executor || !isFunctionNode(executor)) return false;
      let timer = false;
      walk(executor.body, sourceCode.visitorKeys, (node) => {
        if (node.type === AST_NODE_TYPES.CallExpression && trailingName(node.callee) === 'setTimeout') timer = true;
      });
      return timer;
    }

    return {
      CallExpression(node) {
        const calleeName = trailingName(node.callee);
        if (calleeName === 'axiosRetry') {
          const client = node.arguments[0] && referenceKey(node.arguments[0]);
          if (client !== undefined) retriedClients.add(client);
        }
        if (calleeName !== undefined) {
          if (isWrapperName(calleeName) || isRetryingExecutorCall(node)) noteWrapperCall(node);
          else if (RETRYING_QUERY_FUNCTIONS.has(calleeName)) noteQueryCall(node);
        }

        const call = getNetworkCall(sourceCode, node);
        // Browser code: the user retries by acting again, and data libraries retry queries.
        if (call && needsRetry(sourceCode, call) && !isClientModule(sourceCode) && !isBrowserSameOriginCall(sourceCode, call) && !isBestEffort(call.call)) {
          candidates.push(call);
        }
      },
      // Wrappers may appear after the function they retry, so calls are judged once the file is read.
      'Program:exit'() {
        let importPlan: ImportPlan | undefined;
        for (const call of candidates) {
          if (isRetried(call)) continue;
          importPlan ??= planImport(context, options.importSource);
          // A streamed or uploaded body is consumed by the first attempt: a retry would fail
          // with "body already used" and hide the real error. No wrap is offered there.
          const suggestion = transferKind(sourceCode, call) === 'upload' ? undefined : wrapSuggestion(sourceCode, call.call, importPlan);
          context.report({
            node: call.call.callee,
            messageId: 'missingRetry',
            data: { method: call.method ?? 'HTTP', wrappers: [...wrappers].join(', ') },
            suggest: suggestion
              ? [
                  {
                    messageId: 'wrapInRetry',
                    data: { name: suggestion.name, async: suggestion.async ? 'async ' : '', importNote: suggestion.importNote },
                    fix: suggestion.fix,
                  },
                ]
              : [],
          });
        }
      },
    };
  },
});

type Loop = TSESTree.DoWhileStatement | TSESTree.ForInStatement | TSESTree.ForOfStatement | TSESTree.ForStatement | TSESTree.WhileStatement;

function isLoop(node: TSESTree.Node): node is Loop {
  return (
    node.type === AST_NODE_TYPES.DoWhileStatement ||
    node.type === AST_NODE_TYPES.ForInStatement ||
    node.type === AST_NODE_TYPES.ForOfStatement ||
    node.type === AST_NODE_TYPES.ForStatement ||
    node.type === AST_NODE_TYPES.WhileStatement
  );
}

/** The parts of a loop that decide whether it goes round again. */
function loopHeader(loop: Loop): TSESTree.Node[] {
  switch (loop.type) {
    case AST_NODE_TYPES.ForStatement:
      return [loop.init, loop.test, loop.update].filter((part): part is NonNullable<typeof part> => part !== null);
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return [loop.test];
    default:
      // for-of / for-in walk a collection: their header says nothing about retrying.
      return [];
  }
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function isIdentifierNamed(node: TSESTree.Node, name: string): boolean {
  return node.type === AST_NODE_TYPES.Identifier && node.name === name;
}

// ---------------------------------------------------------------------------------------------
// The "Wrap in retry()" suggestion

interface ImportPlan {
  /** Where `retry` comes from: the `importSource` option, or the project's copy of the pattern. */
  readonly specifier: string | undefined;
}

function planImport(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>, importSource: string | undefined): ImportPlan {
  if (importSource !== undefined) return { specifier: importSource };
  const filename = context.physicalFilename ?? context.filename;
  const pattern = findRetryPattern(filename);
  return { specifier: pattern ? retryPatternSpecifier(pattern, filename, context.sourceCode.text) : undefined };
}

interface WrapSuggestion {
  readonly name: string;
  readonly async: boolean;
  readonly importNote: string;
  readonly fix: TSESLint.ReportFixFunction;
}

/**
 * `retry(() => <call>)`, made safe to splice in:
 *   - an `await` in the call's arguments needs an `async` arrow (else TS1308 / a syntax error);
 *     a `yield` cannot move into an arrow at all, so no suggestion is offered then;
 *   - the name used is an existing import of the retry pattern, an existing retry function in
 *     scope (`const retry = makeRetry()`, `import retry from 'p-retry'`), or a free name
 *     (`retry`, else `bulwarkRetry`) imported from the pattern: never a parameter, counter or
 *     other value that merely shares the name, and never an import that collides or shadows;
 *   - with nowhere to import from (no `importSource`, no pattern copy found), only the wrap.
 */
function wrapSuggestion(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression, plan: ImportPlan): WrapSuggestion | undefined {
  const { awaits, yields } = suspensionsIn(sourceCode, call);
  if (yields) return undefined;
  const scope = sourceCode.getScope(call);
  const reused = existingPatternImport(sourceCode, plan.specifier) ?? existingRetryFunction(scope);
  let name: string;
  let addImport = false;
  if (reused !== undefined) {
    name = reused;
  } else {
    const free = IMPORT_NAMES.find((candidate) => isFreeName(sourceCode, scope, candidate)) ?? freeNumberedName(sourceCode, scope);
    name = free;
    addImport = plan.specifier !== undefined;
  }
  const arrow = `${awaits ? 'async ' : ''}() => ${sourceCode.getText(call)}`;
  const importNote = addImport
    ? ` and import it from '${plan.specifier}'`
    : reused === undefined && plan.specifier === undefined
      ? ' (no retry pattern found in the project: import it from yours)'
      : '';
  return {
    name,
    async: awaits,
    importNote,
    fix: (fixer) => {
      const wrap = fixer.replaceText(call, `${name}(${arrow})`);
      return addImport ? [importRetry(fixer, sourceCode, plan.specifier!, name), wrap] : wrap;
    },
  };
}

/** Whether the call's own code (not nested functions) awaits or yields. */
function suspensionsIn(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): { awaits: boolean; yields: boolean } {
  let awaits = false;
  let yields = false;
  const stack: TSESTree.Node[] = [call];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === AST_NODE_TYPES.AwaitExpression) awaits = true;
    if (node.type === AST_NODE_TYPES.YieldExpression) yields = true;
    // `for await` in the arguments cannot happen; `await using` neither: expressions only.
    for (const key of sourceCode.visitorKeys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (isNode(child) && !isFunctionNode(child)) stack.push(child);
      }
    }
  }
  return { awaits, yields };
}

/** The local name of `retry` imported (or required) from the pattern's module, when the file has it. */
function existingPatternImport(sourceCode: Readonly<TSESLint.SourceCode>, specifier: string | undefined): string | undefined {
  const isPatternSource = (source: string): boolean =>
    source === specifier || (/^(?:\.{1,2}\/|@\/|~\/|#)/.test(source) && /(?:^|\/)retry(?:\.[cm]?[jt]s)?$/.test(source));
  for (const statement of sourceCode.ast.body) {
    if (statement.type !== AST_NODE_TYPES.ImportDeclaration || statement.importKind === 'type') continue;
    if (!isPatternSource(statement.source.value)) continue;
    for (const specifierNode of statement.specifiers) {
      if (
        specifierNode.type === AST_NODE_TYPES.ImportSpecifier &&
        specifierNode.importKind !== 'type' &&
        specifierNode.imported.type === AST_NODE_TYPES.Identifier &&
        specifierNode.imported.name === 'retry'
      ) {
        return specifierNode.local.name;
      }
    }
  }
  return undefined;
}

/**
 * `retry` when, at the call, it names something that is a retry function: an import (or
 * `require`) of any module, a function declaration, or a variable initialised by a call or a
 * function (`const retry = makeRetry()`). A parameter, a counter (`let retry = 0`) or any other
 * value is not reused: wrapping with it would call a number.
 */
function existingRetryFunction(scope: TSESLint.Scope.Scope): string | undefined {
  const variable = ASTUtils.findVariable(scope, 'retry');
  const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!definition) return undefined;
  switch (definition.type) {
    case TSESLint.Scope.DefinitionType.ImportBinding:
    case TSESLint.Scope.DefinitionType.FunctionName:
      return 'retry';
    case TSESLint.Scope.DefinitionType.Variable: {
      const declarator = definition.node;
      const init = declarator.init && skipTypeWrappers(declarator.init);
      if (!init) return undefined;
      if (isFunctionNode(init)) return 'retry';
      if (init.type === AST_NODE_TYPES.CallExpression || init.type === AST_NODE_TYPES.AwaitExpression) return 'retry';
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Whether importing `name` at the top of the module neither collides with a declaration nor is shadowed at the call. */
function isFreeName(sourceCode: Readonly<TSESLint.SourceCode>, scope: TSESLint.Scope.Scope, name: string): boolean {
  const atCall = ASTUtils.findVariable(scope, name);
  if (atCall && atCall.defs.length > 0) return false;
  const globalScope = sourceCode.scopeManager?.globalScope;
  const moduleScope = globalScope?.childScopes.find((child) => child.type === 'module') ?? globalScope;
  const declared = moduleScope?.set.get(name);
  return !(declared && declared.defs.length > 0);
}

function freeNumberedName(sourceCode: Readonly<TSESLint.SourceCode>, scope: TSESLint.Scope.Scope): string {
  for (let index = 2; ; index++) {
    const name = `bulwarkRetry${index}`;
    if (isFreeName(sourceCode, scope, name)) return name;
  }
}

/** Comments that must stay first in a file: `/// <reference …/>`, `// @ts-check`, `@flow`, license banners, eslint directives. */
function isPinnedComment(comment: TSESTree.Comment): boolean {
  if ((comment.type as string) === 'Shebang') return true;
  const text = comment.value.trim();
  return (
    (comment.type === 'Line' && comment.value.startsWith('/')) ||
    /^@ts-(?:check|nocheck)\b/.test(text) ||
    /^@(?:flow|jsx|jsxImportSource|jsxRuntime)\b/.test(text) ||
    /^eslint(?:-env|-disable)?\b/.test(text) ||
    (comment.type === 'Block' && comment.value.startsWith('!')) ||
    /\b(?:copyright|license)\b/i.test(text)
  );
}

function importRetry(fixer: TSESLint.RuleFixer, sourceCode: Readonly<TSESLint.SourceCode>, importSource: string, localName: string): TSESLint.RuleFix {
  const program = sourceCode.ast;
  const eol = lineEnding(sourceCode);
  const imports = program.body.filter((statement) => statement.type === AST_NODE_TYPES.ImportDeclaration);
  // The file's quotes: its imports', else its first string's.
  const firstString = imports[0]?.source.raw ?? sourceCode.ast.tokens.find((token) => token.type === 'String')?.value;
  const quote = firstString?.startsWith('"') ? '"' : "'";
  const source = `${quote}${importSource}${quote}`;
  const binding = localName === 'retry' ? 'retry' : `retry as ${localName}`;
  const lastImport = imports.at(-1);
  if (lastImport) {
    const semicolon = sourceCode.getLastToken(lastImport)?.value === ';' ? ';' : '';
    const at = endOfLineAfter(sourceCode, lastImport);
    return fixer.insertTextAfterRange([at, at], `${eol}import { ${binding} } from ${source}${semicolon}`);
  }
  // CommonJS by its parse, or by its code: no import/export and `require`/`module.exports` in use.
  const isModule =
    program.sourceType === 'module' &&
    (program.body.some((node) => node.type.startsWith('Export')) || !/\brequire\(|\bmodule\.exports\b/.test(sourceCode.text));
  // The file's semicolons: a file whose statements end without one gets none.
  // (Only statements that end in a semicolon or in nothing say: not function or class declarations.)
  const terminable = program.body.filter((node) => !endsInBlock(node));
  const semicolon = terminable.length === 0 || terminable.some((node) => sourceCode.getLastToken(node)?.value === ';') ? ';' : '';
  const statement = isModule
    ? `import { ${binding} } from ${source}${semicolon}`
    : `const { ${localName === 'retry' ? 'retry' : `retry: ${localName}`} } = require(${source})${semicolon}`;
  // After directives ('use strict', 'use server'), which must stay first, and after pinned
  // comments (triple-slash references, @ts-check, licenses), but before a comment that documents
  // the first statement.
  const firstNonDirective = program.body.find((node) => !(node.type === AST_NODE_TYPES.ExpressionStatement && node.directive !== undefined));
  if (!firstNonDirective) {
    return fixer.insertTextAfterRange([program.range[1], program.range[1]], `${eol}${statement}`);
  }
  const leading = sourceCode.getCommentsBefore(firstNonDirective).filter((comment) => {
    const previous = program.body[program.body.indexOf(firstNonDirective) - 1];
    return !previous || comment.range[0] >= previous.range[1];
  });
  const documenting = leading.find((comment, index) => !isPinnedComment(comment) && leading.slice(index).every((later) => !isPinnedComment(later)));
  const target = documenting ?? firstNonDirective;
  return fixer.insertTextBeforeRange(target.range, `${statement}${eol}`);
}

function needsRetry(sourceCode: Readonly<TSESLint.SourceCode>, call: NetworkCall): boolean {
  // got retries idempotent requests by default.
  if (call.kind === 'got' || call.method === undefined) return false;
  // fetch(request) with no init: the Request object carries the method, which is unknown here.
  if (call.kind === 'fetch' && !call.options && requestObjectOf(sourceCode, call.call.arguments[0]) === 'opaque') return false;
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
  return headers.properties.some((property) => property.type === AST_NODE_TYPES.Property && propertyKeyName(property)?.toLowerCase() === 'idempotency-key');
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

/** Statements that end with a block, not with a semicolon or nothing: functions, classes, blocks, control flow. */
function endsInBlock(node: TSESTree.ProgramStatement): boolean {
  const inner =
    (node.type === AST_NODE_TYPES.ExportNamedDeclaration || node.type === AST_NODE_TYPES.ExportDefaultDeclaration) && node.declaration
      ? node.declaration
      : node;
  return /^(?:FunctionDeclaration|ClassDeclaration|BlockStatement|IfStatement|ForStatement|ForInStatement|ForOfStatement|WhileStatement|TryStatement|SwitchStatement|TSInterfaceDeclaration|TSModuleDeclaration|TSEnumDeclaration)$/.test(
    inner.type,
  );
}
