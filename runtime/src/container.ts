/**
 * Bulwark pattern: container
 * Dependency injection without decorators: typed tokens, singleton/scoped/transient lifetimes, request scopes, test overrides, disposal in reverse creation order.
 *
 * Patterns used: none
 * Packages used: none
 */

declare const valueType: unique symbol;

/** A typed key: `resolve(token<Pool>('db'))` is a `Promise<Pool>` without casts. Tokens compare by identity. */
export interface Token<T> {
  readonly name: string;
  /** Type-level only; never set. */
  readonly [valueType]?: T;
}

export function token<T>(name: string): Token<T> {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('token name must be a non-empty string');
  return Object.freeze({ name, toString: () => `token(${name})` });
}

/**
 * - `singleton`: created once per container (concurrent first resolutions share one creation), disposed by `container.dispose()`.
 * - `scoped`: created once per scope (e.g. per request), disposed by `scope.dispose()`.
 * - `transient`: created on every resolve and never tracked; give it a scoped lifetime if it needs cleanup.
 */
export type Lifetime = 'singleton' | 'scoped' | 'transient';

export interface Resolver {
  resolve<T>(token: Token<T>): Promise<T>;
}

export type Factory<T> = (resolver: Resolver) => T | Promise<T>;

export interface ProviderOptions<T> {
  /** Releases the value (close a pool, end a transaction). Called in reverse creation order. */
  dispose?: (value: T) => void | Promise<void>;
}

export type ContainerErrorCode =
  'UNKNOWN_TOKEN' | 'CYCLE' | 'CAPTIVE_DEPENDENCY' | 'SCOPE_REQUIRED' | 'DISPOSED' | 'ALREADY_REGISTERED' | 'ALREADY_RESOLVED' | 'FACTORY_FAILED';

export class ContainerError extends Error {
  override readonly name = 'ContainerError';
  constructor(
    readonly code: ContainerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A unit of work with its own scoped instances, typically one request. */
export interface Scope extends Resolver {
  readonly disposed: boolean;
  /** Disposes this scope's instances in reverse creation order. Idempotent; singletons are untouched. */
  dispose(): Promise<void>;
}

type AnyToken = Token<unknown>;

interface Registration {
  readonly lifetime: Lifetime;
  readonly factory: Factory<unknown>;
  readonly dispose?: (value: unknown) => void | Promise<void>;
}

/** Where a resolution happens: the chain that led to it and what it may depend on. */
interface Context {
  readonly path: readonly AnyToken[];
  readonly scope: InstanceCache | undefined;
  /** The nearest singleton on the path: it would capture any scoped value resolved below it. */
  readonly captor: AnyToken | undefined;
  /** The nearest cached creation on the path, for deadlock detection between concurrent chains. */
  readonly creator: { cache: InstanceCache; token: AnyToken } | undefined;
}

const describePath = (path: readonly AnyToken[]) => path.map((t) => t.name).join(' -> ');

/** Instances of one lifetime owner (the container's singletons, or one scope's scoped values). */
class InstanceCache {
  readonly instances = new Map<AnyToken, Promise<unknown>>();
  readonly creating = new Map<AnyToken, Set<AnyToken>>(); // in-progress creation -> creations it awaits here
  readonly disposers: Array<() => void | Promise<void>> = [];
  disposal: Promise<void> | undefined;
  /** Set once disposal stops waiting for creations: one that lands later is disposed as it lands. */
  closed = false;

  constructor(
    readonly owner: string,
    readonly timeoutMs: number,
  ) {}

  /** True when `from`'s creation (transitively) awaits `to`'s: awaiting `from` from `to` would deadlock. */
  awaits(from: AnyToken, to: AnyToken, seen = new Set<AnyToken>()): boolean {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    for (const next of this.creating.get(from) ?? []) if (this.awaits(next, to, seen)) return true;
    return false;
  }

  dispose(): Promise<void> {
    this.disposal ??= (async () => {
      const failures: unknown[] = [];
      // Let in-progress creations land first, so nothing created during shutdown escapes disposal.
      // Bounded: a factory that never settles must not hang shutdown (it is disposed if it lands later).
      const pending = [...this.creating.keys()].map((key) => key.name);
      if (!(await within(Promise.allSettled([...this.instances.values()]), this.timeoutMs))) {
        failures.push(new Error(`the ${this.owner} stopped waiting for creations still running after ${this.timeoutMs} ms: ${pending.join(', ')}`));
      }
      this.closed = true;
      for (const dispose of this.disposers.splice(0).reverse()) {
        try {
          // Bounded too: a disposer that awaits this very disposal (container.dispose() inside a disposer) would wait forever.
          if (!(await within(Promise.resolve().then(dispose), this.timeoutMs))) {
            failures.push(new Error(`a disposer of the ${this.owner} did not settle within ${this.timeoutMs} ms (does it call dispose() itself?)`));
          }
        } catch (error) {
          failures.push(error);
        }
      }
      this.instances.clear();
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} disposer(s) of the ${this.owner} failed`);
    })();
    return this.disposal;
  }
}

/** Resolves true when `promise` settles within `ms` (rejecting if it rejects), false after `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ContainerOptions {
  /**
   * Longest wait, in ms, for each disposer and for creations still running when `dispose()` starts (default 10 000).
   * Past it, disposal moves on and rejects with an AggregateError naming what did not settle.
   */
  disposeTimeoutMs?: number;
}

/**
 * Register providers, resolve typed tokens, dispose at shutdown:
 *
 * ```ts
 * const Db = token<Pool>('db');
 * container.singleton(Db, () => new Pool(), { dispose: (pool) => pool.end() });
 * const pool = await container.resolve(Db);
 * ```
 */
export class Container implements Resolver {
  readonly #registrations = new Map<AnyToken, Registration>();
  readonly #disposeTimeoutMs: number;
  readonly #singletons: InstanceCache;
  /** Scoped tokens resolved in some scope: overriding one would leave live scopes on the old provider. */
  readonly #resolvedScoped = new Set<AnyToken>();

  constructor(options: ContainerOptions = {}) {
    const timeoutMs = options.disposeTimeoutMs ?? 10_000;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > 2 ** 31 - 1) {
      throw new RangeError(`disposeTimeoutMs must be a number in (0, ${2 ** 31 - 1}], got ${String(timeoutMs)}`);
    }
    this.#disposeTimeoutMs = timeoutMs;
    this.#singletons = new InstanceCache('container', timeoutMs);
  }

  singleton<T>(key: Token<T>, factory: Factory<T>, options: ProviderOptions<T> = {}): this {
    return this.#register(key, 'singleton', factory, options);
  }

  scoped<T>(key: Token<T>, factory: Factory<T>, options: ProviderOptions<T> = {}): this {
    return this.#register(key, 'scoped', factory, options);
  }

  transient<T>(key: Token<T>, factory: Factory<T>): this {
    return this.#register(key, 'transient', factory, {});
  }

  /** A singleton that already exists (configuration, a clock). The container does not dispose it. */
  value<T>(key: Token<T>, value: T): this {
    return this.#register(key, 'singleton', () => value, {});
  }

  /** Replaces a provider (tests), keeping its lifetime. Must happen before the token is first resolved (in any scope, for scoped tokens). */
  override<T>(key: Token<T>, factory: Factory<T>, options: ProviderOptions<T> = {}): this {
    this.#assertOpen();
    const existing = this.#registrations.get(key);
    if (!existing) throw new ContainerError('UNKNOWN_TOKEN', `cannot override "${key.name}": it is not registered`);
    if (this.#singletons.instances.has(key) || this.#resolvedScoped.has(key)) {
      throw new ContainerError('ALREADY_RESOLVED', `cannot override "${key.name}": it was already resolved; apply overrides before the first resolve`);
    }
    this.#registrations.set(key, toRegistration(existing.lifetime, factory, options));
    return this;
  }

  has(key: AnyToken): boolean {
    return this.#registrations.has(key);
  }

  /** Resolves a singleton or transient. Scoped tokens need a scope: see {@link createScope}. */
  resolve<T>(key: Token<T>): Promise<T> {
    return this.#resolve(key, { path: [], scope: undefined, captor: undefined, creator: undefined });
  }

  createScope(): Scope {
    this.#assertOpen();
    const cache = new InstanceCache('scope', this.#disposeTimeoutMs);
    return {
      resolve: <T>(key: Token<T>) => {
        if (cache.disposal) return Promise.reject(new ContainerError('DISPOSED', `cannot resolve "${key.name}": the scope was disposed`));
        return this.#resolve(key, { path: [], scope: cache, captor: undefined, creator: undefined });
      },
      dispose: () => cache.dispose(),
      get disposed() {
        return cache.disposal !== undefined;
      },
    };
  }

  /**
   * Disposes every singleton created, in reverse creation order. Call once at shutdown, never from a disposer
   * (it would wait for itself until `disposeTimeoutMs`).
   */
  dispose(): Promise<void> {
    return this.#singletons.dispose();
  }

  #register<T>(key: Token<T>, lifetime: Lifetime, factory: Factory<T>, options: ProviderOptions<T>): this {
    this.#assertOpen();
    if (typeof key?.name !== 'string') throw new TypeError('expected a token created with token<T>(name)');
    if (this.#registrations.has(key)) {
      throw new ContainerError('ALREADY_REGISTERED', `"${key.name}" is already registered; use override() to replace it`);
    }
    this.#registrations.set(key, toRegistration(lifetime, factory, options));
    return this;
  }

  #assertOpen(): void {
    if (this.#singletons.disposal) throw new ContainerError('DISPOSED', 'the container was disposed');
  }

  async #resolve<T>(key: Token<T>, context: Context): Promise<T> {
    const path = [...context.path, key];
    const neededBy = context.path.length > 0 ? ` (needed by ${describePath(context.path)})` : '';
    if (this.#singletons.disposal) throw new ContainerError('DISPOSED', `cannot resolve "${key.name}": the container was disposed`);
    // Checked on every step, not only in scope.resolve(): a factory may keep its resolver, and anything
    // it created after (or while) its scope was disposed would never be disposed.
    if (context.scope?.disposal) throw new ContainerError('DISPOSED', `cannot resolve "${key.name}"${neededBy}: the scope was disposed`);
    const registration = this.#registrations.get(key);
    if (!registration) throw new ContainerError('UNKNOWN_TOKEN', `no provider registered for "${key.name}"${neededBy}`);
    if (context.path.includes(key)) throw new ContainerError('CYCLE', `dependency cycle: ${describePath(path)}`);

    switch (registration.lifetime) {
      case 'transient':
        return (await this.#create(key, registration, { ...context, path })) as T;
      case 'singleton':
        return (await this.#cached(key, registration, this.#singletons, { path, scope: undefined, captor: key, creator: context.creator })) as T;
      case 'scoped':
        if (context.captor) {
          throw new ContainerError(
            'CAPTIVE_DEPENDENCY',
            `singleton "${context.captor.name}" depends on scoped "${key.name}" (${describePath(path)}): the singleton would keep one scope's ` +
              `"${key.name}" forever. Make "${context.captor.name}" scoped, or make "${key.name}" a singleton.`,
          );
        }
        if (!context.scope) {
          throw new ContainerError(
            'SCOPE_REQUIRED',
            `"${key.name}" is scoped: resolve it from a scope (container.createScope(), or the request scope)${neededBy}`,
          );
        }
        this.#resolvedScoped.add(key);
        return (await this.#cached(key, registration, context.scope, { path, scope: context.scope, captor: undefined, creator: context.creator })) as T;
    }
  }

  #cached(key: AnyToken, registration: Registration, cache: InstanceCache, context: Context): Promise<unknown> {
    const existing = cache.instances.get(key);
    const waiter = context.creator?.cache === cache ? context.creator.token : undefined;
    if (existing) {
      if (waiter === undefined || !cache.creating.has(key)) return existing;
      // Another chain is creating `key`; waiting on it is a deadlock if that creation is waiting on us.
      if (cache.awaits(key, waiter)) throw new ContainerError('CYCLE', `dependency cycle: ${describePath(context.path)} -> … -> ${key.name}`);
      return this.#awaiting(cache, waiter, key, existing);
    }
    // Marked as creating before the factory runs: it may resolve (and wait on) others synchronously.
    cache.creating.set(key, new Set());
    const creation = this.#create(key, registration, { ...context, creator: { cache, token: key } });
    cache.instances.set(key, creation);
    creation.then(
      (value) => {
        cache.creating.delete(key);
        if (!registration.dispose) return;
        if (!cache.closed) return void cache.disposers.push(() => registration.dispose!(value));
        // Landed after its owner's disposal gave up waiting: dispose it now rather than leak it.
        Promise.resolve()
          .then(() => registration.dispose!(value))
          .catch((error: unknown) => process.emitWarning(`late disposal of "${key.name}" failed: ${String(error)}`));
      },
      () => {
        cache.creating.delete(key);
        cache.instances.delete(key); // a failed creation is not cached: the next resolve tries again
      },
    );
    return waiter === undefined ? creation : this.#awaiting(cache, waiter, key, creation);
  }

  async #awaiting(cache: InstanceCache, waiter: AnyToken, key: AnyToken, creation: Promise<unknown>): Promise<unknown> {
    cache.creating.get(waiter)?.add(key);
    try {
      return await creation;
    } finally {
      cache.creating.get(waiter)?.delete(key);
    }
  }

  async #create(key: AnyToken, registration: Registration, context: Context): Promise<unknown> {
    const resolver: Resolver = { resolve: (next) => this.#resolve(next, context) };
    try {
      return await registration.factory(resolver);
    } catch (error) {
      if (error instanceof ContainerError) throw error;
      throw new ContainerError(
        'FACTORY_FAILED',
        `the factory for "${key.name}" failed (${describePath(context.path)}): ${String((error as Error)?.message ?? error)}`,
        { cause: error },
      );
    }
  }
}

function toRegistration<T>(lifetime: Lifetime, factory: Factory<T>, options: ProviderOptions<T>): Registration {
  if (typeof factory !== 'function') throw new TypeError(`a ${lifetime} provider needs a factory function, got ${typeof factory}`);
  return { lifetime, factory, ...(options.dispose ? { dispose: options.dispose as (value: unknown) => void | Promise<void> } : {}) };
}
