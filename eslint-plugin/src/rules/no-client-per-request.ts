import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { type FunctionNode, findProperty, isFunctionNode, referenceKey, skipTypeWrappers, staticMemberName } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';
import { mentionsAny, searchWords } from '../util/source-text.js';

export interface NoClientPerRequestOptions {
  /**
   * Classes whose instances own a pool of connections. Default: `Pool`, `Redis`, `Cluster`,
   * `PrismaClient`, `MongoClient`, `PGlite`, `Sequelize`, `DataSource`, `Kafka`.
   */
  constructors?: string[];
  /**
   * Functions (`name` or `object.method`) that create a pooled client. Default: `createClient`,
   * `createPool`, `createCluster`, `createConnection`, `axios.create`, `knex`, `postgres`, `drizzle`.
   */
  factories?: string[];
}

type MessageIds = 'clientPerRequest';

const DEFAULT_CONSTRUCTORS = ['Pool', 'Redis', 'Cluster', 'PrismaClient', 'MongoClient', 'PGlite', 'Sequelize', 'DataSource', 'Kafka'];

const DEFAULT_FACTORIES = ['createClient', 'createPool', 'createCluster', 'createConnection', 'axios.create', 'knex', 'postgres', 'drizzle'];

/** Router methods of Express, Fastify, Hono, Koa Router and friends that register handlers. */
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'use', 'route', 'head', 'options']);

/** Exported names Next.js (app router) and similar file-based routers call once per request. */
const ROUTE_HANDLER_EXPORTS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * Factories that double as query builders: `knex('users')` queries through an existing pool,
 * only `knex({ client, connection })` makes a new one.
 */
const QUERY_BUILDER_FACTORIES = new Set(['knex']);

const REQUEST_PARAM = /^req(uest)?$/i;
const RESPONSE_PARAM = /^res(ponse)?$/i;

export default createRule<[NoClientPerRequestOptions], MessageIds>({
  name: 'no-client-per-request',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow creating a pooled client (database, Redis, HTTP) inside a request handler',
      recommended: 'error',
    },
    defaultOptions: [{ constructors: DEFAULT_CONSTRUCTORS, factories: DEFAULT_FACTORIES }],
    messages: {
      clientPerRequest:
        '`{{name}}` creates a new pooled client on every request: connections pile up, are never reused and outlive the request. Create it once at module scope (or lazily, once) and reuse it.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          constructors: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Classes whose instances own a pool of connections.',
          },
          factories: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Functions (`name` or `object.method`) that create a pooled client.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context, [options]) {
    const { sourceCode } = context;
    const creators = creatorsOf(options);
    // Every report is a creation, and every creation spells a constructor or factory name.
    if (!mayCreateClient(sourceCode, creators)) return {};
    const { constructors, plainFactories, qualifiedFactories, qualifiedMethods } = creators;

    const handlers = new Set<FunctionNode>();
    /**
     * What may denote a handler: route arguments, exported route functions, default exports.
     * Resolving them needs scope lookups, so it waits until the file turns out to create a client.
     */
    const handlerCandidates: TSESTree.Node[] = [];
    const defaultExports: TSESTree.Node[] = [];
    const creations: { node: TSESTree.CallExpression | TSESTree.NewExpression; name: string }[] = [];

    /** Records every function an argument of a route registration denotes. */
    function markHandler(argument: TSESTree.Node, depth = 0): void {
      if (depth > 2) return;
      const value = skipTypeWrappers(argument);
      if (isFunctionNode(value)) {
        handlers.add(value);
      } else if (value.type === AST_NODE_TYPES.Identifier) {
        const resolved = resolveFunction(value);
        if (resolved) handlers.add(resolved);
      } else if (value.type === AST_NODE_TYPES.ArrayExpression) {
        // Express accepts arrays of middleware: `app.get('/', [auth, handler])`.
        for (const element of value.elements) {
          if (element && element.type !== AST_NODE_TYPES.SpreadElement) markHandler(element, depth + 1);
        }
      } else if (value.type === AST_NODE_TYPES.ObjectExpression) {
        // Fastify route options: `fastify.route({ method, url, handler })`.
        const handler = findProperty(value, 'handler');
        if (handler) markHandler(handler.value, depth + 1);
      }
    }

    /** The function a name is bound to in this file: a declaration or a `const` initialiser. */
    function resolveFunction(identifier: TSESTree.Identifier): FunctionNode | undefined {
      const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
      const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (!definition) return undefined;
      // A parameter's definition node is its function: only declarations say what a name holds.
      if (definition.type === TSESLint.Scope.DefinitionType.FunctionName) {
        return isFunctionNode(definition.node) ? definition.node : undefined;
      }
      if (definition.type === TSESLint.Scope.DefinitionType.Variable && definition.node.type === AST_NODE_TYPES.VariableDeclarator && definition.node.init) {
        const init = skipTypeWrappers(definition.node.init);
        return isFunctionNode(init) ? init : undefined;
      }
      return undefined;
    }

    function factoryName(callee: TSESTree.Node): string | undefined {
      const target = skipTypeWrappers(callee);
      if (target.type === AST_NODE_TYPES.Identifier) {
        return plainFactories.has(target.name) ? target.name : undefined;
      }
      if (target.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      // The method name is checked first: most member calls are not factories at all.
      const method = staticMemberName(target);
      if (method === undefined) return undefined;
      // `redis.createClient()`, `mysql.createPool()`: the factory reached through its module.
      if (plainFactories.has(method)) return referenceKey(target) ?? method;
      if (!qualifiedMethods.has(method)) return undefined;
      const key = referenceKey(target);
      return key !== undefined && qualifiedFactories.has(key) ? key : undefined;
    }

    function constructorName(callee: TSESTree.Node): string | undefined {
      const target = skipTypeWrappers(callee);
      const name =
        target.type === AST_NODE_TYPES.Identifier ? target.name : target.type === AST_NODE_TYPES.MemberExpression ? staticMemberName(target) : undefined;
      return name !== undefined && constructors.has(name) ? name : undefined;
    }

    function markExportedHandler(name: string, value: TSESTree.Node | null | undefined): void {
      if (value && ROUTE_HANDLER_EXPORTS.has(name)) handlerCandidates.push(value);
    }

    return {
      CallExpression(node) {
        const callee = skipTypeWrappers(node.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression) {
          const method = staticMemberName(callee);
          if (method !== undefined && ROUTE_METHODS.has(method)) {
            handlerCandidates.push(...node.arguments);
          }
        }
        const name = factoryName(node.callee);
        if (name === undefined) return;
        const first = node.arguments[0];
        const lastSegment = name.split('.').at(-1) ?? name;
        if (QUERY_BUILDER_FACTORIES.has(lastSegment) && (first?.type === AST_NODE_TYPES.Literal || first?.type === AST_NODE_TYPES.TemplateLiteral)) {
          return;
        }
        creations.push({ node, name: `${name}()` });
      },
      NewExpression(node) {
        const name = constructorName(node.callee);
        if (name !== undefined) creations.push({ node, name: `new ${name}()` });
      },
      ExportNamedDeclaration(node) {
        const { declaration } = node;
        if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration && declaration.id) {
          markExportedHandler(declaration.id.name, declaration);
        } else if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
          for (const declarator of declaration.declarations) {
            if (declarator.id.type === AST_NODE_TYPES.Identifier) {
              markExportedHandler(declarator.id.name, declarator.init);
            }
          }
        }
        if (node.source) return;
        for (const specifier of node.specifiers) {
          if (
            specifier.type === AST_NODE_TYPES.ExportSpecifier &&
            specifier.exported.type === AST_NODE_TYPES.Identifier &&
            specifier.local.type === AST_NODE_TYPES.Identifier
          ) {
            markExportedHandler(specifier.exported.name, specifier.local);
          }
        }
      },
      ExportDefaultDeclaration(node) {
        defaultExports.push(node.declaration);
      },
      'Program:exit'() {
        if (creations.length === 0) return;
        for (const candidate of handlerCandidates) markHandler(candidate);
        for (const declaration of defaultExports) {
          // Next.js pages API routes and serverless functions: `export default function (req, res)`.
          const value = skipTypeWrappers(declaration);
          const handler = value.type === AST_NODE_TYPES.Identifier ? resolveFunction(value) : value;
          if (isFunctionNode(handler) && looksLikeRequestResponse(handler)) handlers.add(handler);
        }
        for (const creation of creations) {
          const handler = enclosingHandler(creation.node, handlers);
          if (!handler || isCreatedOnce(creation.node, handler)) continue;
          context.report({
            node: creation.node,
            messageId: 'clientPerRequest',
            data: { name: creation.name },
          });
        }
      },
    };
  },
});

/** The option lists as the rule looks them up, built once per configuration. */
interface Creators {
  constructors: ReadonlySet<string>;
  plainFactories: ReadonlySet<string>;
  /** `object.method` factories: `axios.create`. */
  qualifiedFactories: ReadonlySet<string>;
  qualifiedMethods: ReadonlySet<string>;
  /** What the file's text must contain for a creation without a qualified factory. */
  searchWords: readonly string[];
}

const creatorsByOptions = new WeakMap<NoClientPerRequestOptions, Creators>();

function creatorsOf(options: NoClientPerRequestOptions): Creators {
  let creators = creatorsByOptions.get(options);
  if (creators) return creators;
  const constructors = new Set(options.constructors ?? DEFAULT_CONSTRUCTORS);
  const factories = options.factories ?? DEFAULT_FACTORIES;
  const plainFactories = new Set(factories.filter((name) => !name.includes('.')));
  const qualifiedFactories = new Set(factories.filter((name) => name.includes('.')));
  creators = {
    constructors,
    plainFactories,
    qualifiedFactories,
    qualifiedMethods: new Set([...qualifiedFactories].map((name) => name.slice(name.lastIndexOf('.') + 1))),
    searchWords: searchWords([...constructors, ...plainFactories]),
  };
  creatorsByOptions.set(options, creators);
  return creators;
}

/** A qualified factory is only matched as the whole `a.b` reference, so every segment is in the text. */
function mayCreateClient(sourceCode: Readonly<TSESLint.SourceCode>, creators: Creators): boolean {
  if (mentionsAny(sourceCode, creators.searchWords)) return true;
  for (const qualified of creators.qualifiedFactories) {
    if (qualified.split('.').every((segment) => sourceCode.text.includes(segment))) return true;
  }
  return false;
}

function paramName(param: TSESTree.Parameter | undefined): string | undefined {
  return param?.type === AST_NODE_TYPES.Identifier ? param.name : undefined;
}

function looksLikeRequestResponse(fn: FunctionNode): boolean {
  return REQUEST_PARAM.test(paramName(fn.params[0]) ?? '') && RESPONSE_PARAM.test(paramName(fn.params[1]) ?? '');
}

/** `(err, req, res, next)`: Express tells error handlers apart by their four parameters. */
function isExpressErrorHandler(fn: FunctionNode): boolean {
  if (fn.params.length !== 4) return false;
  const [, request, response, next] = fn.params;
  return (REQUEST_PARAM.test(paramName(request) ?? '') && RESPONSE_PARAM.test(paramName(response) ?? '')) || paramName(next) === 'next';
}

function enclosingHandler(node: TSESTree.Node, handlers: ReadonlySet<FunctionNode>): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current) && (handlers.has(current) || isExpressErrorHandler(current))) {
      return current;
    }
  }
  return undefined;
}

/**
 * Lazy singletons create the client once even though the code sits in the handler:
 * `pool ??= new Pool()`, `cached ?? (cached = new Pool())`, `if (!pool) pool = new Pool()`.
 */
function isCreatedOnce(creation: TSESTree.Node, handler: FunctionNode): boolean {
  let current: TSESTree.Node = creation;
  while (
    current.parent &&
    (current.parent.type === AST_NODE_TYPES.TSAsExpression ||
      current.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      current.parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
      current.parent.type === AST_NODE_TYPES.AwaitExpression)
  ) {
    current = current.parent;
  }
  const parent = current.parent;
  if (parent?.type === AST_NODE_TYPES.LogicalExpression && parent.right === current) {
    return parent.operator === '??' || parent.operator === '||';
  }
  if (parent?.type !== AST_NODE_TYPES.AssignmentExpression || parent.right !== current) {
    return false;
  }
  if (parent.operator === '??=' || parent.operator === '||=') return true;
  const target = referenceKey(parent.left);
  if (parent.operator !== '=' || target === undefined) return false;
  for (let ancestor: TSESTree.Node | undefined = parent.parent; ancestor && ancestor !== handler; ancestor = ancestor.parent) {
    const test =
      ancestor.type === AST_NODE_TYPES.IfStatement || ancestor.type === AST_NODE_TYPES.ConditionalExpression
        ? ancestor.test
        : ancestor.type === AST_NODE_TYPES.LogicalExpression
          ? ancestor.left
          : undefined;
    if (test && mentions(test, target)) return true;
  }
  return false;
}

/** Whether `expression` reads the reference `key` (`pool`, `this.pool`, `globalThis.db`). */
function mentions(expression: TSESTree.Node, key: string): boolean {
  const node = skipTypeWrappers(expression);
  if (referenceKey(node) === key) return true;
  switch (node.type) {
    case AST_NODE_TYPES.UnaryExpression:
      return mentions(node.argument, key);
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.LogicalExpression:
      return mentions(node.left, key) || mentions(node.right, key);
    case AST_NODE_TYPES.MemberExpression:
      return mentions(node.object, key);
    default:
      return false;
  }
}
