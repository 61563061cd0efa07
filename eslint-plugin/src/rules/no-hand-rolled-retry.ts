import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isFunctionNode, skipTypeWrappers, staticMemberName, trailingName } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';

export interface NoHandRolledRetryOptions {
  /** Functions whose awaited call waits for the duration given as their first argument. Default: `['sleep', 'delay', 'wait']`. */
  delayFunctions?: string[];
}

type MessageIds = 'noDelay' | 'noBackoff' | 'noJitter';

const DEFAULT_DELAY_FUNCTIONS = ['sleep', 'delay', 'wait'];

type Loop = TSESTree.DoWhileStatement | TSESTree.ForInStatement | TSESTree.ForOfStatement | TSESTree.ForStatement | TSESTree.WhileStatement;

/** What the delay between two attempts is made of, as far as this file shows. */
interface DelayShape {
  /** Depends on something that changes from one attempt to the next. */
  grows: boolean;
  /** Randomised, so clients that failed together do not retry together. */
  random: boolean;
  /** Computed by code this rule cannot see into (a call, or an unknown await). */
  opaque: boolean;
}

/** A delay's duration expression, or what is known of a delay called without one. */
type Delay = TSESTree.Node | 'fixed' | 'opaque';

const PROMISE_TIMER_MODULES = new Set(['timers/promises', 'node:timers/promises']);
const RANDOM_SOURCES = new Set(['Math.random', 'crypto.randomInt', 'randomInt']);
/** `_.random(…)`, `jitter(ms)`, `addJitter(ms)`, `randomBetween(a, b)`, `crypto.getRandomValues(…)`. */
const RANDOM_NAME = /random|jitter/i;
/**
 * Error codes and statuses that mean "overloaded, back off": a catch that retries only these
 * is still hammering, so it is judged like any other.
 */
const OVERLOAD_CODES = new Set([
  '429',
  '502',
  '503',
  '504',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ECONNRESET',
  'EBUSY',
  'EAGAIN',
  'ThrottlingException',
  'TooManyRequests',
  'RequestLimitExceeded',
  'SlowDown',
]);
/** Predicates that single out a conflict: `isUniqueViolation(e)`, `isConflictError(e)`, `isSerializationFailure(e)`. */
const CONFLICT_PREDICATE = /conflict|unique|duplicate|constraint|collision|deadlock|serializ|already|exists|stale|optimistic|version|race/i;
/** Pure arithmetic helpers: they do not hide growth or randomness behind a call. */
const TRANSPARENT_MATH = new Set(['min', 'max', 'pow', 'floor', 'ceil', 'round', 'trunc', 'abs']);
const MAX_TRACE_DEPTH = 6;

const ADVICE = 'Use `retry` from the bulwark runtime (exponential backoff with full jitter, a deadline and an AbortSignal).';

export default createRule<[NoHandRolledRetryOptions], MessageIds>({
  name: 'no-hand-rolled-retry',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Disallow hand-written retry loops that retry without delay, without backoff or without jitter',
      recommended: 'warn',
    },
    defaultOptions: [{ delayFunctions: DEFAULT_DELAY_FUNCTIONS }],
    messages: {
      noDelay: `This loop retries as soon as an attempt fails: nothing is awaited between attempts, so a struggling dependency is hammered in a tight loop. ${ADVICE}`,
      noBackoff: `This loop waits the same time before every retry: the delay never grows, so a struggling dependency gets no room to recover. ${ADVICE}`,
      noJitter: `This loop backs off without jitter: every client that failed together retries together (thundering herd). ${ADVICE}`,
    },
    schema: [
      {
        type: 'object',
        properties: {
          delayFunctions: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Functions whose awaited call waits for the duration given as their first argument.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context, [options]) {
    const delayFunctions = new Set(options.delayFunctions ?? DEFAULT_DELAY_FUNCTIONS);
    const { sourceCode } = context;
    const visitorKeys = sourceCode.visitorKeys;

    /**
     * Visits `root` and its descendants in source order, without entering nested functions;
     * `visit` returns false to skip a node's children. Iterative: minified code nests deeply.
     */
    function walk(root: TSESTree.Node, visit: (node: TSESTree.Node) => boolean | void): void {
      const stack: TSESTree.Node[] = [root];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (visit(node) === false) continue;
        const keys = visitorKeys[node.type] ?? [];
        for (let k = keys.length - 1; k >= 0; k--) {
          const child = (node as unknown as Record<string, unknown>)[keys[k]!];
          if (Array.isArray(child)) {
            for (let i = child.length - 1; i >= 0; i--) {
              const item: unknown = child[i];
              if (isNode(item) && !isFunctionNode(item)) stack.push(item);
            }
          } else if (isNode(child) && !isFunctionNode(child)) {
            stack.push(child);
          }
        }
      }
    }

    function some(root: TSESTree.Node, predicate: (node: TSESTree.Node) => boolean): boolean {
      let found = false;
      walk(root, (node) => {
        if (found) return false;
        if (predicate(node)) found = true;
        return !found;
      });
      return found;
    }

    /**
     * Whether `attempt` retries `loop`: its success leaves the loop and its failure comes back
     * round. The attempt must always end by leaving (return, break or throw into the catch): a
     * try that may also complete normally is a read, poll or consumer loop doing work each time.
     */
    function isRetryingTry(attempt: TSESTree.TryStatement, loop: Loop): boolean {
      return (
        !!attempt.handler &&
        alwaysLeaves(attempt.block, loop) &&
        !alwaysLeaves(attempt.handler.body, loop) &&
        leavesLoop(attempt.block, loop) &&
        some(attempt.block, (inner) => inner.type === AST_NODE_TYPES.AwaitExpression)
      );
    }

    function leavesLoop(block: TSESTree.BlockStatement, loop: Loop): boolean {
      return some(block, (node) => {
        if (node.type === AST_NODE_TYPES.ReturnStatement) return true;
        return node.type === AST_NODE_TYPES.BreakStatement && breakTarget(node) === loop;
      });
    }

    /**
     * `for (const url of mirrors) try { return await fetch(url) } catch {}` tries alternatives, as
     * does a counting loop bounded by a collection (`i < stores.length`), not the same call again.
     */
    function iteratesAlternatives(loop: Loop, attempt: TSESTree.TryStatement): boolean {
      if (loop.type === AST_NODE_TYPES.ForStatement) {
        return (
          loop.test !== null &&
          some(loop.test, (node) => {
            if (node.type !== AST_NODE_TYPES.MemberExpression) return false;
            const name = staticMemberName(node);
            return name === 'length' || name === 'size';
          })
        );
      }
      if (loop.type !== AST_NODE_TYPES.ForOfStatement && loop.type !== AST_NODE_TYPES.ForInStatement) {
        return false;
      }
      if (loop.left.type !== AST_NODE_TYPES.VariableDeclaration) return true;
      const [start, end] = attempt.block.range;
      return sourceCode.getDeclaredVariables(loop.left).some((variable) =>
        variable.references.some((reference) => {
          const position = reference.identifier.range[0];
          return position >= start && position < end;
        }),
      );
    }

    function delaysBetweenAttempts(
      loop: Loop,
      attempt: TSESTree.TryStatement,
    ): {
      delays: Delay[];
      otherAwaits: number;
    } {
      const delays: Delay[] = [];
      let otherAwaits = 0;
      walk(loop, (node) => {
        if (node !== loop && isLoop(node)) return false;
        if (node.type !== AST_NODE_TYPES.AwaitExpression) return true;
        const duration = delayDuration(node.argument);
        if (duration !== undefined) delays.push(duration);
        else if (!within(node, attempt.block)) otherAwaits += 1;
        return true;
      });
      return { delays, otherAwaits };
    }

    /** How long an awaited expression waits, or `undefined` when it is no delay. */
    function delayDuration(awaited: TSESTree.Expression): Delay | undefined {
      if (awaited.type === AST_NODE_TYPES.CallExpression) {
        const name = trailingName(awaited.callee);
        const isDelay = (name !== undefined && delayFunctions.has(name)) || (name === 'setTimeout' && isPromiseTimer(awaited.callee));
        if (!isDelay) return undefined;
        const duration = awaited.arguments[0];
        // `backoff.wait(attempt)`: a method given the attempt computes its own delay (maybe
        // with jitter) from it; only a method given a fixed duration is judged.
        if (duration && skipTypeWrappers(awaited.callee).type === AST_NODE_TYPES.MemberExpression && isMethodComputedDelay(awaited)) {
          return 'opaque';
        }
        if (duration) return duration;
        // `sleep()` waits its fixed default; `backoff.wait()` may keep state of its own.
        return skipTypeWrappers(awaited.callee).type === AST_NODE_TYPES.MemberExpression ? 'opaque' : 'fixed';
      }
      // `new Promise((resolve) => setTimeout(resolve, ms))`
      if (awaited.type !== AST_NODE_TYPES.NewExpression || awaited.callee.type !== AST_NODE_TYPES.Identifier || awaited.callee.name !== 'Promise') {
        return undefined;
      }
      const executor = awaited.arguments[0];
      if (!isFunctionNode(executor)) return undefined;
      let duration: Delay | undefined;
      walk(executor.body, (node) => {
        if (duration !== undefined) return false;
        if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'setTimeout') {
          duration = node.arguments[1] ?? 'fixed';
        }
        return duration === undefined;
      });
      return duration;
    }

    function isPromiseTimer(callee: TSESTree.Node): boolean {
      if (callee.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(callee), callee);
      const definition = variable?.defs[0];
      return (
        definition?.type === TSESLint.Scope.DefinitionType.ImportBinding &&
        definition.parent.type === AST_NODE_TYPES.ImportDeclaration &&
        PROMISE_TIMER_MODULES.has(definition.parent.source.value)
      );
    }

    /**
     * Follows a delay expression through the variables it reads: a variable written inside the
     * loop (`delay *= 2`, `attempt++`) changes between attempts, one declared inside the loop is
     * as varying as its initialiser, and calls to functions in this file are read through.
     */
    function shapeOf(expression: TSESTree.Node, loop: Loop, depth = 0, seen = new Set<unknown>()): DelayShape {
      const shape: DelayShape = { grows: false, random: false, opaque: false };
      if (depth > MAX_TRACE_DEPTH) return { ...shape, opaque: true };
      const merge = (other: DelayShape): void => {
        shape.grows ||= other.grows;
        shape.random ||= other.random;
        shape.opaque ||= other.opaque;
      };
      walk(expression, (node) => {
        if (node.type === AST_NODE_TYPES.CallExpression) {
          const callee = calleeKey(node.callee);
          const calleeName = trailingName(node.callee);
          if ((callee !== undefined && RANDOM_SOURCES.has(callee)) || (calleeName !== undefined && RANDOM_NAME.test(calleeName))) {
            shape.random = true;
            // `jitter(wait)`: the randomised delay still grows with what it is given.
            for (const argument of node.arguments) merge(shapeOf(argument, loop, depth + 1, seen));
            return false;
          }
          if (!isTransparentMath(node.callee)) merge(shapeOfCall(node, loop, depth, seen));
          return true;
        }
        if (node.type === AST_NODE_TYPES.Identifier && isValueReference(node)) {
          merge(shapeOfVariable(node, loop, depth, seen));
        }
        return true;
      });
      return shape;
    }

    function shapeOfCall(call: TSESTree.CallExpression, loop: Loop, depth: number, seen: Set<unknown>): DelayShape {
      const callee = call.callee;
      const variable = callee.type === AST_NODE_TYPES.Identifier ? ASTUtils.findVariable(sourceCode.getScope(callee), callee) : null;
      const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      // A parameter's definition node is its function: only declarations say what a name holds.
      const declared =
        definition?.type === TSESLint.Scope.DefinitionType.FunctionName || definition?.type === TSESLint.Scope.DefinitionType.Variable
          ? definition.node
          : undefined;
      const body = isFunctionNode(declared)
        ? declared.body
        : declared?.type === AST_NODE_TYPES.VariableDeclarator && isFunctionNode(declared.init)
          ? declared.init.body
          : undefined;
      if (!body || seen.has(body)) return { grows: false, random: false, opaque: !body };
      seen.add(body);
      // Growth comes in through the arguments (`backoff(attempt)`); randomness may live inside.
      return { ...shapeOf(body, loop, depth + 1, seen), grows: false };
    }

    function shapeOfVariable(identifier: TSESTree.Identifier, loop: Loop, depth: number, seen: Set<unknown>): DelayShape {
      const shape: DelayShape = { grows: false, random: false, opaque: false };
      const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
      if (!variable || seen.has(variable)) return shape;
      seen.add(variable);
      // `for (const delay of [100, 200, 400])`: the loop steps through a delay schedule.
      if (isScheduleVariable(variable, loop)) return { ...shape, grows: true };
      const declaredInLoop = variable.defs.some((definition) => within(definition.name, loop));
      for (const reference of variable.references) {
        if (!reference.isWrite()) continue;
        const inLoop = within(reference.identifier, loop);
        if (inLoop && !(reference.init && declaredInLoop)) shape.grows = true;
        const written = reference.writeExpr;
        if (!written) continue;
        const inner = shapeOf(written, loop, depth + 1, seen);
        shape.random ||= inner.random;
        shape.opaque ||= inner.opaque && inLoop;
        // Only what is recomputed per attempt can make the delay grow.
        if (inLoop) shape.grows ||= inner.grows;
      }
      return shape;
    }

    /**
     * `catch (error) { if (!(error instanceof UniqueConstraintError)) throw error; }`,
     * `catch (e) { if (e.code === 'P2002') continue; throw e; }`: a catch that rethrows every
     * error but one class or code retries a targeted conflict (a unique-key race, an optimistic
     * lock), which the next attempt resolves with fresh data at once: no delay is needed.
     */
    function retriesOneConflict(handler: TSESTree.CatchClause): boolean {
      const param = handler.param?.type === AST_NODE_TYPES.Identifier ? handler.param.name : undefined;
      if (param === undefined) return false;
      const statements = handler.body.body;
      return statements.some((statement, index) => {
        if (statement.type !== AST_NODE_TYPES.IfStatement || !testsOneError(statement.test, param)) return false;
        // if (!(e instanceof Conflict)) throw e;   if (isConflict(e)) { … } else throw e;
        if (throws(statement.consequent) || (statement.alternate && throws(statement.alternate))) return true;
        // if (e.code === 'P2002') continue; throw e;
        return statements.slice(index + 1).some((later) => later.type === AST_NODE_TYPES.ThrowStatement);
      });
    }

    function testsOneError(test: TSESTree.Node, param: string): boolean {
      let found = false;
      walk(test, (node) => {
        if (found) return false;
        if (node.type === AST_NODE_TYPES.BinaryExpression) {
          if (node.operator === 'instanceof' && rootName(node.left) === param) {
            found = true;
          } else if (['===', '!==', '==', '!='].includes(node.operator)) {
            const [errorSide, literal] = rootName(node.left) === param ? [node.left, node.right] : [node.right, node.left];
            if (
              rootName(errorSide) === param &&
              errorSide.type !== AST_NODE_TYPES.Identifier &&
              literal.type === AST_NODE_TYPES.Literal &&
              literal.value !== null &&
              !OVERLOAD_CODES.has(String(literal.value))
            ) {
              found = true;
            }
          }
        } else if (node.type === AST_NODE_TYPES.CallExpression) {
          const name = trailingName(node.callee);
          if (name !== undefined && CONFLICT_PREDICATE.test(name) && node.arguments.some((argument) => rootName(argument) === param)) {
            found = true;
          }
        }
        return !found;
      });
      return found;
    }

    /** A method delay given something that grows per attempt, as its argument. */
    function isMethodComputedDelay(call: TSESTree.CallExpression): boolean {
      const loop = enclosingLoop(call);
      const duration = call.arguments[0];
      if (!loop || !duration) return false;
      return shapeOf(duration, loop).grows;
    }

    /** Loops already judged: one report per loop, however many attempts it holds. */
    const judged = new Set<Loop>();

    // Driven by `try` statements, which are far rarer than loops.
    function check(attempt: TSESTree.TryStatement): void {
      const loop = enclosingLoop(attempt);
      if (!loop || judged.has(loop) || !isRetryingTry(attempt, loop)) return;
      judged.add(loop);
      if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.await) return;
      if (iteratesAlternatives(loop, attempt)) return;
      if (retriesOneConflict(attempt.handler!)) return;
      const { delays, otherAwaits } = delaysBetweenAttempts(loop, attempt);
      let messageId: MessageIds | undefined;
      if (delays.length === 0) {
        // Something else is awaited between attempts; it may well be a backoff we cannot read.
        messageId = otherAwaits === 0 ? 'noDelay' : undefined;
      } else {
        const shapes = delays.map((delay) => (typeof delay === 'string' ? { grows: false, random: false, opaque: delay === 'opaque' } : shapeOf(delay, loop)));
        if (shapes.some((shape) => shape.opaque)) return;
        const growing = shapes.filter((shape) => shape.grows);
        if (growing.length === 0) messageId = 'noBackoff';
        else if (!growing.some((shape) => shape.random)) messageId = 'noJitter';
      }
      if (!messageId) return;
      const keyword = sourceCode.getFirstToken(loop);
      context.report({ node: loop, loc: keyword?.loc ?? loop.loc, messageId });
    }

    return { TryStatement: check };
  },
});

/** The loop whose body holds `node` directly: not across a function, not from a loop header. */
function enclosingLoop(node: TSESTree.Node): Loop | undefined {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (isFunctionNode(current)) return undefined;
    if (isLoop(current)) return current.body === child ? current : undefined;
  }
  return undefined;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function isLoop(node: TSESTree.Node): node is Loop {
  return (
    node.type === AST_NODE_TYPES.DoWhileStatement ||
    node.type === AST_NODE_TYPES.ForInStatement ||
    node.type === AST_NODE_TYPES.ForOfStatement ||
    node.type === AST_NODE_TYPES.ForStatement ||
    node.type === AST_NODE_TYPES.WhileStatement
  );
}

function within(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return node.range[0] >= container.range[0] && node.range[1] <= container.range[1];
}

/** The loop (or switch) an unlabeled `break` leaves; a labeled one leaves its labeled statement. */
function breakTarget(node: TSESTree.BreakStatement): TSESTree.Node | undefined {
  for (let current: TSESTree.Node | undefined = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return undefined;
    if (node.label) {
      if (current.type === AST_NODE_TYPES.LabeledStatement && current.label.name === node.label.name) {
        return current.body;
      }
    } else if (isLoop(current) || current.type === AST_NODE_TYPES.SwitchStatement) {
      return current;
    }
  }
  return undefined;
}

/** Whether every way through `statement` throws, returns or breaks out of `loop`. */
function alwaysLeaves(statement: TSESTree.Statement, loop: Loop): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ThrowStatement:
    case AST_NODE_TYPES.ReturnStatement:
      return true;
    case AST_NODE_TYPES.BreakStatement: {
      const target = breakTarget(statement);
      return target !== undefined && within(loop, target);
    }
    case AST_NODE_TYPES.IfStatement:
      return alwaysLeaves(statement.consequent, loop) && !!statement.alternate && alwaysLeaves(statement.alternate, loop);
    case AST_NODE_TYPES.BlockStatement:
      for (const inner of statement.body) {
        if (alwaysLeaves(inner, loop)) return true;
        if (mayContinue(inner)) return false;
      }
      return false;
    default:
      return false;
  }
}

/** Whether a statement can skip ahead to the next iteration (conservatively: has a `continue`). */
function mayContinue(statement: TSESTree.Statement): boolean {
  if (statement.type === AST_NODE_TYPES.ContinueStatement) return true;
  if (statement.type === AST_NODE_TYPES.IfStatement) {
    return mayContinue(statement.consequent) || (!!statement.alternate && mayContinue(statement.alternate));
  }
  if (statement.type === AST_NODE_TYPES.BlockStatement) return statement.body.some(mayContinue);
  return false;
}

function calleeKey(callee: TSESTree.Node): string | undefined {
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier) {
    const name = staticMemberName(callee);
    return name === undefined ? undefined : `${callee.object.name}.${name}`;
  }
  return undefined;
}

function isTransparentMath(callee: TSESTree.Node): boolean {
  const key = calleeKey(callee);
  if (key === 'Number') return true;
  return key?.startsWith('Math.') === true && TRANSPARENT_MATH.has(key.slice('Math.'.length));
}

/** An identifier that reads a variable, not a property name or a label. */
function isValueReference(identifier: TSESTree.Identifier): boolean {
  const parent = identifier.parent;
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.property === identifier && !parent.computed) {
    return false;
  }
  if (parent?.type === AST_NODE_TYPES.Property && parent.key === identifier && !parent.computed && !parent.shorthand) {
    return false;
  }
  // Calls are read through by their callee's body, not as a variable.
  return !(parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === identifier);
}

/** The variable an expression reads through members and wrappers: `error` for `error.meta?.code`. */
function rootName(node: TSESTree.Node): string | undefined {
  let current = skipTypeWrappers(node);
  while (current.type === AST_NODE_TYPES.MemberExpression) current = skipTypeWrappers(current.object);
  return current.type === AST_NODE_TYPES.Identifier ? current.name : undefined;
}

/** A throw, or a block that throws at its top level. */
function throws(statement: TSESTree.Statement): boolean {
  if (statement.type === AST_NODE_TYPES.ThrowStatement) return true;
  return statement.type === AST_NODE_TYPES.BlockStatement && statement.body.some((inner) => inner.type === AST_NODE_TYPES.ThrowStatement);
}

/**
 * The loop variable of `for (const delay of schedule)`, which takes a new value each attempt,
 * unless the schedule is a literal list of one repeated value (`[1000, 1000, 1000]`).
 */
function isScheduleVariable(variable: TSESLint.Scope.Variable, loop: Loop): boolean {
  if (loop.type !== AST_NODE_TYPES.ForOfStatement || loop.left.type !== AST_NODE_TYPES.VariableDeclaration) return false;
  const declaration = loop.left;
  if (!variable.defs.some((definition) => definition.parent === declaration)) return false;
  const schedule = skipTypeWrappers(loop.right);
  if (schedule.type !== AST_NODE_TYPES.ArrayExpression) return true;
  const values = new Set(schedule.elements.map((element) => (element?.type === AST_NODE_TYPES.Literal ? String(element.value) : undefined)));
  return values.size > 1 || values.has(undefined);
}
