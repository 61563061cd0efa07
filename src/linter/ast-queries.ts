// Ranges the editor's quick fixes need beyond what a lint message carries, found by parsing
// the file (no linting). Offsets are UTF-16 indexes into the text, as VS Code's are.
import { parse } from '@typescript-eslint/parser';

type Range = readonly [number, number];

interface Node {
  readonly type: string;
  readonly range: Range;
  readonly [key: string]: unknown;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string' && Array.isArray((value as Node).range);
}

function children(node: Node): Node[] {
  const found: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    if (Array.isArray(value)) found.push(...value.filter(isNode));
    else if (isNode(value)) found.push(value);
  }
  return found;
}

function parseFile(text: string, fileName: string): Node | undefined {
  try {
    return parse(text, { range: true, jsx: /\.[jt]sx$/.test(fileName), sourceType: 'module', ecmaVersion: 'latest' }) as unknown as Node;
  } catch {
    // Code that does not parse gets no quick fix; the TypeScript service reports the syntax error.
    return undefined;
  }
}

function find(root: Node, match: (node: Node) => boolean): Node | undefined {
  const stack = [root];
  let best: Node | undefined;
  while (stack.length) {
    const node = stack.pop() as Node;
    if (match(node)) best = node;
    stack.push(...children(node));
  }
  return best;
}

/** The call expression whose callee starts at `calleeStart` (lint rules often report the callee). */
export function callAt(text: string, fileName: string, calleeStart: number): Range | undefined {
  const root = parseFile(text, fileName);
  if (!root) return undefined;
  const call = find(root, (node) => node.type === 'CallExpression' && (node['callee'] as Node).range[0] === calleeStart);
  return call?.range;
}

export interface FanOut {
  readonly combinator: string;
  readonly call: Range;
  /** The mapped collection (`xs` of `xs.map(fn)`). */
  readonly items: Range;
  /** The mapper (`fn`). */
  readonly mapper: Range;
  /** `function`: an arrow or function expression written inline; `other`: a reference or any other expression. */
  readonly mapperKind: 'function' | 'other';
  /** Declared parameters of an inline mapper; a rest parameter counts as 3 (it sees the array). */
  readonly mapperParams: number;
  /** An inline `function` mapper that reads `arguments`. */
  readonly mapperUsesArguments: boolean;
  /** `xs` is a variable or a property path without calls (`this.users`). */
  readonly itemsIsReference: boolean;
  /** `map` got a second (`thisArg`) argument. */
  readonly mapHasThisArg: boolean;
}

function isReference(node: Node): boolean {
  if (node.type === 'Identifier' || node.type === 'ThisExpression') return true;
  if (node.type === 'TSNonNullExpression') return isReference(node['expression'] as Node);
  return node.type === 'MemberExpression' && !node['computed'] && !node['optional'] && isReference(node['object'] as Node);
}

/** Whether a `function` reads its own `arguments` (not a nested function's). */
function readsArguments(fn: Node): boolean {
  const stack = [...children(fn)];
  while (stack.length) {
    const node = stack.pop() as Node;
    if (node.type === 'Identifier' && node['name'] === 'arguments') return true;
    if (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration') continue;
    stack.push(...children(node));
  }
  return false;
}

/** `Promise.<combinator>(xs.map(fn))` starting at `start`, with its parts. */
export function fanOutAt(text: string, fileName: string, start: number): FanOut | undefined {
  const root = parseFile(text, fileName);
  if (!root) return undefined;
  const call = find(root, (node) => node.type === 'CallExpression' && node.range[0] === start && (node['callee'] as Node).type === 'MemberExpression');
  if (!call) return undefined;
  const callee = call['callee'] as Node;
  const [argument] = call['arguments'] as Node[];
  const combinator = (callee['property'] as Node)['name'];
  if (!argument || argument.type !== 'CallExpression' || typeof combinator !== 'string') return undefined;
  const map = argument['callee'] as Node;
  const [mapper, thisArg] = argument['arguments'] as Node[];
  if (map.type !== 'MemberExpression' || (map['property'] as Node)['name'] !== 'map' || !mapper) return undefined;
  const inline = mapper.type === 'ArrowFunctionExpression' || mapper.type === 'FunctionExpression';
  const params = inline ? (mapper['params'] as Node[]) : [];
  const thisParam = params[0]?.type === 'Identifier' && params[0]['name'] === 'this' ? 1 : 0;
  const rest = params.some((param) => param.type === 'RestElement');
  return {
    combinator,
    call: call.range,
    items: (map['object'] as Node).range,
    mapper: mapper.range,
    mapperKind: inline ? 'function' : 'other',
    mapperParams: rest ? Math.max(3, params.length - thisParam) : params.length - thisParam,
    mapperUsesArguments: mapper.type === 'FunctionExpression' && readsArguments(mapper),
    itemsIsReference: isReference(map['object'] as Node),
    mapHasThisArg: thisArg !== undefined,
  };
}
