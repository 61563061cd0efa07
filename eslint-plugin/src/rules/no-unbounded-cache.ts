import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { climbTypeWrappers, enclosingFunction, skipTypeWrappers, staticMemberName, walk } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';
import { compileNamePattern } from '../util/name-pattern.js';
import { mentions } from '../util/source-text.js';
import { finiteTypeNames, isFiniteKeyType, keyTypeOf, openEndedKey } from '../util/cache-keys.js';

export interface NoUnboundedCacheOptions {
  /** Case-insensitive regular expression a container's name must match to be checked. Default: `'cache|memo|bucket|limit|store|seen'`. */
  namePattern?: string;
  /**
   * Also check instance fields (`cache = new Map()`, `this.cache = new Map()` in the constructor),
   * for services that live as long as the process. Default: `true`.
   */
  classFields?: boolean;
}

type MessageIds = 'unbounded';

const DEFAULT_NAME_PATTERN = 'cache|memo|bucket|limit|store|seen';
/** Containers that count per client: every distinct caller adds an entry, whatever the key is named. */
const RATE_LIMIT_NAME = /bucket|limit|hits|attempt|throttle|quota/i;

/** What one use of the container does to its size, as far as this file can tell. */
type Use = 'grows' | 'shrinks' | 'neutral' | 'escapes';

interface Container {
  name: string;
  report: TSESTree.Node;
  uses: TSESTree.Node[];
  /** The declared key type (`K` of `Map<K, V>`, `Set<K>`, `Record<K, V>`), when one is written. */
  keyType: TSESTree.TypeNode | undefined;
}

const GROWING_METHODS = new Set(['set', 'add']);
/** A `size` read is how a cap is enforced; `delete`/`clear` are how entries leave. */
const SHRINKING_MEMBERS = new Set(['delete', 'clear', 'size']);
const KEY_LISTING_FUNCTIONS = new Set(['keys', 'values', 'entries']);
/** `WeakMap`/`WeakSet` let the collector drop entries, so only the strong collections count. */
const GROWABLE_COLLECTIONS = new Set(['Map', 'Set']);

export default createRule<[NoUnboundedCacheOptions], MessageIds>({
  name: 'no-unbounded-cache',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow long-lived `Map`/`Set`/object caches that functions add to and nothing ever shrinks',
      recommended: 'warn',
    },
    defaultOptions: [{ namePattern: DEFAULT_NAME_PATTERN, classFields: true }],
    messages: {
      unbounded:
        '`{{name}}` gains an entry per key inside functions, but nothing in this file ever removes one (no `delete`, `clear` or size check): it grows without bound. Evict idle entries, cap its size, or use a bounded LRU.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          namePattern: {
            type: 'string',
            minLength: 1,
            description: "Case-insensitive regular expression a container's name must match to be checked.",
          },
          classFields: {
            type: 'boolean',
            description: 'Also check instance fields of classes, not only module-level containers.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context, [options]) {
    const namePattern = compileNamePattern('no-unbounded-cache', options.namePattern ?? DEFAULT_NAME_PATTERN);
    const checkClassFields = options.classFields ?? true;
    const { sourceCode } = context;
    const declarations = moduleLevelCandidates(sourceCode.ast, namePattern);
    const classFields = checkClassFields && mayDeclareClassField(sourceCode, namePattern);
    // Most files declare neither kind of container: no listener at all then.
    if (declarations.length === 0 && !classFields) return {};

    const containers: Container[] = [];
    const classStack: ClassFrame[] = [];

    function addModuleLevelContainers(): void {
      for (const declarator of declarations) {
        const { id } = declarator;
        const variable = sourceCode.getDeclaredVariables(declarator).find((candidate) => candidate.name === id.name);
        if (!variable) continue;
        const uses: TSESTree.Node[] = [];
        let reassigned = false;
        for (const reference of variable.references) {
          if (reference.init) continue;
          // Reassigning the binding (`cache = new Map()`) is a reset: it shrinks.
          if (reference.isWrite()) {
            reassigned = true;
            break;
          }
          uses.push(reference.identifier);
        }
        if (!reassigned) containers.push({ name: id.name, report: id, uses, keyType: keyTypeOf(declarator.id.typeAnnotation, declarator.init) });
      }
    }

    function reportUnbounded(): void {
      addModuleLevelContainers();
      let finiteTypes: ReadonlySet<string> | undefined;
      for (const container of containers) {
        const keys = growingKeys(container);
        if (!keys || keys.length === 0) continue;
        // `Map<'a' | 'b', V>`, `Map<Status, V>` with an enum or a union of literals: finitely many keys.
        finiteTypes ??= finiteTypeNames(sourceCode.ast);
        if (container.keyType && isFiniteKeyType(container.keyType, finiteTypes)) continue;
        // A key that comes from request input, or names an id, a URL, a user..., says the entries
        // grow with the traffic; any other key (a field name, an event type) may well be bounded.
        const rateLimiting = RATE_LIMIT_NAME.test(container.name);
        if (keys.some((key) => openEndedKey(sourceCode, key, finiteTypes!, rateLimiting))) {
          context.report({
            node: container.report,
            messageId: 'unbounded',
            data: { name: container.name },
          });
        }
      }
    }

    // Class fields are matched with their `this.x` uses, which takes a listener on every member
    // expression: only files with a candidate field pay for it.
    if (!classFields) return { 'Program:exit': reportUnbounded };

    return {
      ClassBody() {
        classStack.push({ fields: new Map(), initialisers: new Set(), thisUses: new Map() });
      },
      PropertyDefinition(node) {
        const frame = classStack.at(-1);
        const name = fieldName(node.key, node.computed);
        if (!frame || node.static || name === undefined || !namePattern.test(name)) return;
        if (isEmptyGrowableContainer(node.value)) frame.fields.set(name, { report: node.key, keyType: keyTypeOf(node.typeAnnotation, node.value) });
      },
      AssignmentExpression(node) {
        // `constructor() { this.buckets = new Map() }` declares the field the older way.
        const frame = classStack.at(-1);
        const target = node.left;
        if (!frame || node.operator !== '=' || !isThisMember(target)) return;
        const name = fieldName(target.property, target.computed);
        const method = enclosingFunction(node)?.parent;
        if (
          name === undefined ||
          method?.type !== AST_NODE_TYPES.MethodDefinition ||
          method.kind !== 'constructor' ||
          frame.fields.has(name) ||
          !namePattern.test(name) ||
          !isEmptyGrowableContainer(node.right)
        ) {
          return;
        }
        frame.fields.set(name, { report: target, keyType: keyTypeOf(undefined, node.right) });
        frame.initialisers.add(target);
      },
      MemberExpression(node) {
        const frame = classStack.at(-1);
        if (!frame || !isThisMember(node)) return;
        const name = fieldName(node.property, node.computed);
        if (name === undefined || frame.initialisers.has(node)) return;
        // Methods may come before the field declaration, so uses are matched at the class end.
        const uses = frame.thisUses.get(name);
        if (uses) uses.push(node);
        else frame.thisUses.set(name, [node]);
      },
      'ClassBody:exit'() {
        const frame = classStack.pop();
        if (!frame || !checkClassFields) return;
        for (const [name, { report, keyType }] of frame.fields) {
          containers.push({ name: `this.${name}`, report, uses: frame.thisUses.get(name) ?? [], keyType });
        }
      },
      'Program:exit': reportUnbounded,
    };
  },
});

type NamedDeclarator = TSESTree.VariableDeclarator & { id: TSESTree.Identifier };

/** `const cache = new Map()` at the top of the module, with a name the rule checks. */
function moduleLevelCandidates(program: TSESTree.Program, namePattern: RegExp): NamedDeclarator[] {
  const candidates: NamedDeclarator[] = [];
  for (const statement of program.body) {
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      if (declarator.id.type === AST_NODE_TYPES.Identifier && namePattern.test(declarator.id.name) && isEmptyGrowableContainer(declarator.init)) {
        candidates.push(declarator as NamedDeclarator);
      }
    }
  }
  return candidates;
}

/**
 * Whether any class of the file may hold a checked field: a field initialised to an empty
 * container, or a `this.x = new Map()` anywhere in a constructor. Classes are found through the
 * scope manager, which lists them without a walk of the tree.
 */
function mayDeclareClassField(sourceCode: Readonly<TSESLint.SourceCode>, namePattern: RegExp): boolean {
  if (!mentions(sourceCode, 'class')) return false;
  const { scopeManager } = sourceCode;
  if (!scopeManager) return true;
  for (const scope of scopeManager.scopes) {
    if (scope.type !== TSESLint.Scope.ScopeType.class) continue;
    const classNode = scope.block as TSESTree.ClassDeclaration | TSESTree.ClassExpression;
    for (const member of classNode.body.body) {
      if (member.type === AST_NODE_TYPES.PropertyDefinition) {
        const name = fieldName(member.key, member.computed);
        if (!member.static && name !== undefined && namePattern.test(name) && isEmptyGrowableContainer(member.value)) {
          return true;
        }
      } else if (
        member.type === AST_NODE_TYPES.MethodDefinition &&
        member.kind === 'constructor' &&
        member.value.body &&
        assignsEmptyContainerToThis(member.value.body, sourceCode.visitorKeys, namePattern)
      ) {
        return true;
      }
    }
  }
  return false;
}

function assignsEmptyContainerToThis(body: TSESTree.Node, visitorKeys: TSESLint.SourceCode.VisitorKeys, namePattern: RegExp): boolean {
  let found = false;
  walk(body, visitorKeys, (node) => {
    if (found || node.type !== AST_NODE_TYPES.AssignmentExpression || node.operator !== '=') return;
    if (!isThisMember(node.left)) return;
    const name = fieldName(node.left.property, node.left.computed);
    found = name !== undefined && namePattern.test(name) && isEmptyGrowableContainer(node.right);
  });
  return found;
}

interface ClassFrame {
  /** Candidate fields by name, with the node a report points at and the declared key type. */
  fields: Map<string, { report: TSESTree.Node; keyType: TSESTree.TypeNode | undefined }>;
  /** `this.x = new Map()` in the constructor: the declaration, not a reset. */
  initialisers: Set<TSESTree.Node>;
  thisUses: Map<string, TSESTree.Node[]>;
}

/**
 * The keys functions add to the container with, or `undefined` when some use can shrink it or
 * hand it away (then it is not unbounded as far as this file can tell).
 */
function growingKeys(container: Container): TSESTree.Node[] | undefined {
  const keys: TSESTree.Node[] = [];
  for (const use of container.uses) {
    const effect = classifyUse(use);
    if (effect === 'shrinks' || effect === 'escapes') return undefined;
    if (effect === 'grows' && enclosingFunction(use)) {
      const key = keyOfGrowingUse(use);
      if (key) keys.push(key);
    }
  }
  return keys;
}

/** `c.set(key, v)` / `c.add(key)` / `c[key] = v` / `c[key]++`: the key expression. */
function keyOfGrowingUse(use: TSESTree.Node): TSESTree.Node | undefined {
  const member = climbTypeWrappers(use).parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  if (member.computed && staticMemberName(member) === undefined) return member.property;
  const call = member.parent;
  if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === member) {
    const [key] = call.arguments;
    return key && key.type !== AST_NODE_TYPES.SpreadElement ? key : undefined;
  }
  return undefined;
}

/** `new Map()`, `new Set()`, `{}` and `Object.create(null)`, possibly with a type annotation. */
function isEmptyGrowableContainer(init: TSESTree.Node | null | undefined): boolean {
  const value = init && skipTypeWrappers(init);
  if (!value) return false;
  if (value.type === AST_NODE_TYPES.NewExpression) {
    return value.callee.type === AST_NODE_TYPES.Identifier && GROWABLE_COLLECTIONS.has(value.callee.name);
  }
  if (value.type === AST_NODE_TYPES.ObjectExpression) return value.properties.length === 0;
  if (value.type === AST_NODE_TYPES.CallExpression) {
    const [prototype] = value.arguments;
    return isMember(value.callee, 'Object', 'create') && value.arguments.length === 1 && prototype?.type === AST_NODE_TYPES.Literal && prototype.value === null;
  }
  return false;
}

function isThisMember(node: TSESTree.Node): node is TSESTree.MemberExpression {
  return node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression;
}

function fieldName(key: TSESTree.Node, computed: boolean): string | undefined {
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${key.name}`;
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  return key.type === AST_NODE_TYPES.Literal && typeof key.value === 'string' ? key.value : undefined;
}

function isMember(node: TSESTree.Node, object: string, property: string): boolean {
  return (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.Identifier &&
    node.object.name === object &&
    staticMemberName(node) === property
  );
}

function classifyUse(use: TSESTree.Node): Use {
  const node = climbTypeWrappers(use);
  const parent = node.parent;
  if (!parent) return 'escapes';
  switch (parent.type) {
    case AST_NODE_TYPES.MemberExpression: {
      if (parent.object !== node) return 'escapes';
      const member = staticMemberName(parent);
      if (member === undefined) {
        // `cache[key] = value` adds a key per distinct `key`; `delete cache[key]` removes one.
        if (isDeleted(parent)) return 'shrinks';
        return isWrittenTo(parent) ? 'grows' : 'neutral';
      }
      if (parent.computed) return isDeleted(parent) ? 'shrinks' : 'neutral';
      if (SHRINKING_MEMBERS.has(member)) return 'shrinks';
      const call = parent.parent;
      if (GROWING_METHODS.has(member) && call?.type === AST_NODE_TYPES.CallExpression && call.callee === parent) {
        return 'grows';
      }
      return 'neutral';
    }
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.ForInStatement:
      return parent.right === node ? 'neutral' : 'escapes';
    case AST_NODE_TYPES.SpreadElement:
      return 'neutral';
    case AST_NODE_TYPES.CallExpression: {
      // `Object.keys(cache).length > MAX` is a size check on a plain-object cache.
      const callee = parent.callee;
      if (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        callee.object.type === AST_NODE_TYPES.Identifier &&
        callee.object.name === 'Object' &&
        KEY_LISTING_FUNCTIONS.has(staticMemberName(callee) ?? '')
      ) {
        const listing = parent.parent;
        return listing?.type === AST_NODE_TYPES.MemberExpression && listing.object === parent && staticMemberName(listing) === 'length' ? 'shrinks' : 'neutral';
      }
      return 'escapes';
    }
    default:
      return 'escapes';
  }
}

function isWrittenTo(member: TSESTree.MemberExpression): boolean {
  const parent = member.parent;
  return (
    (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === member) ||
    (parent?.type === AST_NODE_TYPES.UpdateExpression && parent.argument === member)
  );
}

function isDeleted(member: TSESTree.MemberExpression): boolean {
  const parent = member.parent;
  return parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'delete';
}
