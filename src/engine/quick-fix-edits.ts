// The replacement text of the quick fixes that rewrite a call around a pattern's function, pure
// functions of the call's text and what the linter's parser found, so each decision (make the
// arrow async, adapt a mapper, decline) is tested as a table without an editor.
import { scan, ScanError, type Token } from './js-scan';

export type Rewrite = { readonly kind: 'rewrite'; readonly text: string } | { readonly kind: 'declined'; readonly reason: string };

function tokensOf(text: string): Token[] | undefined {
  try {
    return scan(text).tokens;
  } catch (error) {
    if (error instanceof ScanError) return undefined;
    throw error;
  }
}

function usesKeyword(tokens: readonly Token[], keyword: string): boolean {
  return tokens.some((token, i) => token.kind === 'name' && token.text === keyword && !(tokens[i - 1]?.kind === 'punct' && tokens[i - 1]?.text === '.'));
}

/**
 * `retry(() => call)` under the local name `retry` was imported as. An `await` in the call's
 * arguments needs an async arrow (a sync one does not parse: TS1308); a `yield` cannot move into
 * an arrow at all.
 */
export function retryWrap(callText: string, retryName: string): Rewrite {
  const tokens = tokensOf(callText);
  if (!tokens) return { kind: 'declined', reason: 'the call could not be read.' };
  if (usesKeyword(tokens, 'yield')) return { kind: 'declined', reason: 'the call uses `yield`, which cannot move into the function retry() calls.' };
  return { kind: 'rewrite', text: `${retryName}(${usesKeyword(tokens, 'await') ? 'async ' : ''}() => ${callText})` };
}

/** What the linter's parser found about `Promise.all(items.map(mapper))`. */
export interface FanOutFacts {
  readonly itemsText: string;
  readonly mapperText: string;
  /** `function`: an arrow or function expression written inline; `other`: a reference or any other expression. */
  readonly mapperKind: 'function' | 'other';
  /** Declared parameters of an inline mapper (a rest parameter counts as 3: it sees the array). */
  readonly mapperParams: number;
  /** An inline `function` mapper that reads `arguments` (it sees the array too): declined unless it declares 3 parameters. */
  readonly mapperUsesArguments: boolean;
  /** `items` is a variable or a property path (`this.users`): naming it twice reads the same array. */
  readonly itemsIsReference: boolean;
  /** `map` got a second argument (`thisArg`), which mapWithConcurrency has no place for. */
  readonly mapHasThisArg: boolean;
}

/**
 * `mapWithConcurrency(items, limit, mapper)`. mapWithConcurrency calls its mapper with
 * `(item, index, signal)` where `map` passed `(item, index, array)`: a mapper that reads the third
 * argument is wrapped to get the array again, and declined when the array is an expression that
 * cannot be named twice. A mapper given by reference keeps its reference: TypeScript checks its
 * parameters against `(item, index, signal)`.
 */
export function concurrencyRewrite(fanOut: FanOutFacts, mapName: string, limit: number, usedNames: ReadonlySet<string>): Rewrite {
  if (fanOut.mapHasThisArg) return { kind: 'declined', reason: 'map() is given a `this` argument, which mapWithConcurrency() has no place for.' };
  if (fanOut.mapperKind === 'function' && fanOut.mapperUsesArguments && fanOut.mapperParams < 3) {
    // Passing it the array as an argument it does not declare does not type-check (TS2554).
    return { kind: 'declined', reason: "the mapper reads `arguments`, which would hold mapWithConcurrency()'s signal instead of map()'s array." };
  }
  const needsArray = fanOut.mapperKind === 'function' && fanOut.mapperParams >= 3;
  if (!needsArray) return { kind: 'rewrite', text: `${mapName}(${fanOut.itemsText}, ${limit}, ${fanOut.mapperText})` };
  if (!fanOut.itemsIsReference) {
    return {
      kind: 'declined',
      reason: "the mapper reads map()'s array argument, and the array is an expression: assign it to a variable first, then choose the fix again.",
    };
  }
  const used = new Set(usedNames);
  const fresh = (name: string) => {
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = `${name}${n}`;
    used.add(candidate);
    return candidate;
  };
  const item = fresh('item');
  const index = fresh('index');
  return {
    kind: 'rewrite',
    text: `${mapName}(${fanOut.itemsText}, ${limit}, (${item}, ${index}) => (${fanOut.mapperText})(${item}, ${index}, ${fanOut.itemsText}))`,
  };
}
