import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { type FunctionNode, isFunctionNode, propertyKeyName, skipTypeWrappers, staticMemberName, trailingName, walk } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';
import { getNetworkCall, mayContainNetworkCalls } from '../util/network-calls.js';
import { isBrowserSameOriginCall } from '../util/browser-code.js';
import { mentions } from '../util/source-text.js';

export interface NoUnboundedConcurrencyOptions {
  /**
   * Names of concurrency limiters: a network call inside a callback passed to `limit(...)`, or
   * to a method of an object with one of these names (`queue.add(...)`), is already bounded.
   * Default: `['limit', 'limiter', 'queue', 'semaphore', 'throttle']`.
   */
  limiters?: string[];
}

type MessageIds = 'unbounded';

const DEFAULT_LIMITERS = ['limit', 'limiter', 'queue', 'semaphore', 'throttle'];

const COMBINATORS = new Set(['all', 'allSettled', 'any', 'race']);
/** Factories whose result is a limiter, whatever the variable holding it is called. */
const LIMITER_FACTORIES = new Set(['pLimit', 'limitFunction']);
/** Functions and methods that are network calls when passed by reference: `urls.map(fetch)`. */
const NETWORK_FUNCTION_REFERENCES = new Set(['fetch', 'got', 'axios']);
const MAX_FOLLOWED_CALLS = 3;
const MAX_BOUND_DEPTH = 4;
/** `REGIONS`, `DEFAULT_PROVIDERS`: module constants, fixed lists by convention. */
const CONSTANT_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{3,}[0-9]*$/;
/** A batch or chunk is a slice its producer already bounded. */
const BATCH_NAME = /^(?:batch|chunk)(?:es|s)?$|(?:Batch|Chunk)$/;
const OBJECT_ENUMERATORS: ReadonlySet<string> = new Set(['keys', 'values', 'entries']);
/** Array methods whose result is no longer than their receiver. */
const SHRINKING_METHODS: ReadonlySet<string> = new Set(['filter', 'slice', 'sort', 'toSorted', 'reverse', 'toReversed', 'flat']);
/** Methods that make an array longer: a `const` array they are called on is no fixed list. */
const GROWING_METHODS: ReadonlySet<string> = new Set(['push', 'unshift', 'splice']);

/** `xs.push(…)`, `xs.length = n`, `xs[i] = v`: the array is written after its declaration. */
function isGrowingUse(identifier: TSESTree.Node): boolean {
  const parent = identifier.parent;
  if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== identifier) return false;
  const name = staticMemberName(parent);
  if (parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
    return name !== undefined && GROWING_METHODS.has(name);
  }
  return parent.parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.parent.left === parent;
}

export default createRule<[NoUnboundedConcurrencyOptions], MessageIds>({
  name: 'no-unbounded-concurrency',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow starting one network call per element of an unbounded array at once with `Promise.all(xs.map(...))`',
      recommended: 'error',
    },
    defaultOptions: [{ limiters: DEFAULT_LIMITERS }],
    messages: {
      unbounded:
        '`Promise.{{combinator}}(….map(…))` starts a network call for every element at once: a large array exhausts sockets and floods the server. Bound the fan-out with `mapWithConcurrency(items, limit, fn)` from the bulwark runtime (or p-limit).',
    },
    schema: [
      {
        type: 'object',
        properties: {
          limiters: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Names of concurrency limiters: network calls in callbacks passed to them (or to their methods) are bounded.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context, [options]) {
    const { sourceCode } = context;
    // A report needs `Promise.<combinator>(...)` and a network call for the mapper to make.
    if (!mayContainNetworkCalls(sourceCode) || !mentions(sourceCode, 'Promise')) return {};
    const limiters = new Set(options.limiters ?? DEFAULT_LIMITERS);

    function findVariable(identifier: TSESTree.Identifier): TSESLint.Scope.Variable | null {
      return ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
    }

    /** The function a name is declared as in this file (not a parameter, not an import). */
    function declaredFunction(identifier: TSESTree.Identifier): FunctionNode | undefined {
      const definition = findVariable(identifier)?.defs[0];
      if (definition?.type === TSESLint.Scope.DefinitionType.FunctionName) {
        return isFunctionNode(definition.node) ? definition.node : undefined;
      }
      if (definition?.type === TSESLint.Scope.DefinitionType.Variable && definition.node.type === AST_NODE_TYPES.VariableDeclarator && definition.node.init) {
        const init = skipTypeWrappers(definition.node.init);
        return isFunctionNode(init) ? init : undefined;
      }
      return undefined;
    }

    /** `limit(() => …)`, `queue.add(() => …)`, or a function made by `pLimit(n)` under any name. */
    function isLimiterCall(call: TSESTree.CallExpression): boolean {
      const callee = skipTypeWrappers(call.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression) {
        const receiver = trailingName(callee.object);
        return receiver !== undefined && limiters.has(receiver);
      }
      if (callee.type !== AST_NODE_TYPES.Identifier) return false;
      if (limiters.has(callee.name)) return true;
      const definition = findVariable(callee)?.defs[0];
      const init = definition?.node.type === AST_NODE_TYPES.VariableDeclarator && definition.node.init ? skipTypeWrappers(definition.node.init) : undefined;
      return init?.type === AST_NODE_TYPES.CallExpression && init.callee.type === AST_NODE_TYPES.Identifier && LIMITER_FACTORIES.has(init.callee.name);
    }

    /** Whether `node` runs inside a callback handed to a limiter, below `root`. */
    function isLimited(node: TSESTree.Node, root: TSESTree.Node): boolean {
      for (let current = node.parent; current && current !== root; current = current.parent) {
        if (
          isFunctionNode(current) &&
          current.parent?.type === AST_NODE_TYPES.CallExpression &&
          current.parent.arguments.includes(current as TSESTree.CallExpressionArgument) &&
          isLimiterCall(current.parent)
        ) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether running `fn` makes an unlimited network call: directly, or through functions
     * declared in this file that it calls (followed a few levels deep).
     */
    function makesNetworkCall(fn: FunctionNode, seen: Set<FunctionNode>): boolean {
      if (seen.has(fn) || seen.size > MAX_FOLLOWED_CALLS) return false;
      seen.add(fn);
      let found = false;
      walk(fn.body, sourceCode.visitorKeys, (node) => {
        if (found || node.type !== AST_NODE_TYPES.CallExpression || isLimited(node, fn)) return;
        const call = getNetworkCall(sourceCode, node);
        // A page calling its own backend is not the fan-out this rule is about (util/browser-code).
        if (call && !isBrowserSameOriginCall(sourceCode, call)) {
          found = true;
          return;
        }
        if (call) return;
        const callee = skipTypeWrappers(node.callee);
        const local = callee.type === AST_NODE_TYPES.Identifier ? declaredFunction(callee) : undefined;
        if (local && makesNetworkCall(local, seen)) found = true;
      });
      return found;
    }

    function isNetworkMapper(mapper: TSESTree.Node): boolean {
      const value = skipTypeWrappers(mapper);
      if (isFunctionNode(value)) return makesNetworkCall(value, new Set());
      if (value.type === AST_NODE_TYPES.Identifier) {
        const local = declaredFunction(value);
        if (local) return makesNetworkCall(local, new Set());
        // `urls.map(fetch)`: only the platform fetch, not a local or imported namesake.
        const variable = findVariable(value);
        return value.name === 'fetch' && (!variable || variable.defs.length === 0);
      }
      if (value.type === AST_NODE_TYPES.MemberExpression) {
        // `ids.map(axios.get)`, `urls.map(got)`
        const receiver = skipTypeWrappers(value.object);
        return receiver.type === AST_NODE_TYPES.Identifier && NETWORK_FUNCTION_REFERENCES.has(receiver.name);
      }
      return false;
    }

    /**
     * Fixed-size inputs, whose fan-out the code itself bounds:
     *   - literals: `['/a', '/b'].map(…)`, `[a, b] as const`, and spreads of such;
     *   - constants: a `const` bound to one (`const regions = ['eu', 'us']`), a SCREAMING_CASE
     *     name (`REGIONS`, `config.PROVIDERS`), a TS enum;
     *   - the keys, values or entries of a literal object or enum (`Object.keys(HANDLERS)`);
     *   - `Array.from({ length: 3 })`, and `filter`/`slice`/`sort`/`concat` of a bounded array;
     *   - batches: `items.slice(i, i + size)`, the loop variable of `for (const batch of batches)`,
     *     a variable named `batch` or `chunk`.
     */
    function isBounded(items: TSESTree.Node, depth = 0): boolean {
      if (depth > MAX_BOUND_DEPTH) return false;
      const value = skipTypeWrappers(items);
      switch (value.type) {
        case AST_NODE_TYPES.ArrayExpression:
          return value.elements.every((element) => element?.type !== AST_NODE_TYPES.SpreadElement || isBounded(element.argument, depth + 1));
        case AST_NODE_TYPES.ObjectExpression:
          return value.properties.every((property) => property.type !== AST_NODE_TYPES.SpreadElement);
        case AST_NODE_TYPES.CallExpression:
          return isBoundedCall(value, depth);
        case AST_NODE_TYPES.MemberExpression: {
          const name = staticMemberName(value);
          return name !== undefined && CONSTANT_NAME.test(name);
        }
        case AST_NODE_TYPES.Identifier:
          return isBoundedVariable(value, depth);
        default:
          return false;
      }
    }

    function isBoundedCall(call: TSESTree.CallExpression, depth: number): boolean {
      const callee = skipTypeWrappers(call.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      const method = staticMemberName(callee);
      if (method === undefined) return false;
      const receiver = skipTypeWrappers(callee.object);
      if (receiver.type === AST_NODE_TYPES.Identifier && receiver.name === 'Object' && OBJECT_ENUMERATORS.has(method)) {
        const object = call.arguments[0];
        return object !== undefined && isBounded(object, depth + 1);
      }
      if (receiver.type === AST_NODE_TYPES.Identifier && receiver.name === 'Array' && method === 'from') {
        // Array.from({ length: 3 }, …)
        const source = call.arguments[0] && skipTypeWrappers(call.arguments[0]);
        if (source?.type === AST_NODE_TYPES.ObjectExpression) {
          const length = source.properties.find((property) => property.type === AST_NODE_TYPES.Property && propertyKeyName(property) === 'length');
          return length?.type === AST_NODE_TYPES.Property && length.value.type === AST_NODE_TYPES.Literal && typeof length.value.value === 'number';
        }
        return source !== undefined && isBounded(source, depth + 1);
      }
      if ((method === 'slice' || method === 'splice') && call.arguments.length === 2) return true;
      if (SHRINKING_METHODS.has(method)) return isBounded(receiver, depth + 1);
      if (method === 'concat') return isBounded(receiver, depth + 1) && call.arguments.every((argument) => isBounded(argument, depth + 1));
      return false;
    }

    function isBoundedVariable(identifier: TSESTree.Identifier, depth: number): boolean {
      if (CONSTANT_NAME.test(identifier.name) || BATCH_NAME.test(identifier.name)) return true;
      const variable = findVariable(identifier);
      const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (!definition) return false;
      if (definition.type === TSESLint.Scope.DefinitionType.TSEnumName) return true;
      if (definition.type !== TSESLint.Scope.DefinitionType.Variable) return false;
      const declaration = definition.parent;
      if (declaration?.type !== AST_NODE_TYPES.VariableDeclaration) return false;
      // for (const batch of batches): the surrounding loop bounds each fan-out.
      if (declaration.parent?.type === AST_NODE_TYPES.ForOfStatement && declaration.parent.left === declaration) return true;
      const declarator = definition.node;
      if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.typeAnnotation?.typeAnnotation.type === AST_NODE_TYPES.TSTupleType) {
        return true;
      }
      // Only a `const` that is never mutated holds what it was initialised with.
      if (declaration.kind !== 'const' || !declarator.init || declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
      if (variable!.references.some((reference) => isGrowingUse(reference.identifier))) return false;
      return isBounded(declarator.init, depth + 1);
    }

    return {
      CallExpression(node) {
        const callee = skipTypeWrappers(node.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type !== AST_NODE_TYPES.Identifier || callee.object.name !== 'Promise') {
          return;
        }
        const combinator = staticMemberName(callee);
        if (combinator === undefined || !COMBINATORS.has(combinator)) return;
        const argument = node.arguments[0];
        const mapped = argument && skipTypeWrappers(argument);
        if (mapped?.type !== AST_NODE_TYPES.CallExpression) return;
        const map = skipTypeWrappers(mapped.callee);
        if (map.type !== AST_NODE_TYPES.MemberExpression || staticMemberName(map) !== 'map') return;
        const mapper = mapped.arguments[0];
        if (!mapper || isBounded(map.object) || !isNetworkMapper(mapper)) return;
        context.report({ node, messageId: 'unbounded', data: { combinator } });
      },
    };
  },
});
