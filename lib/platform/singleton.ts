// Process-wide objects (the database client, the engine, the live feeds, …) live on globalThis
// under one registry, so that a hot reload in `next dev` — which re-evaluates modules — never
// builds a second one. The one way to make such an object.

const registry = ((globalThis as unknown as { __ticketing?: Map<string, unknown> }).__ticketing ??= new Map());

export function singleton<T>(name: string, create: () => T): T {
  if (!registry.has(name)) registry.set(name, create());
  return registry.get(name) as T;
}

/** Forgets the object (the next `singleton` call builds a new one); returns what was there. */
export function dropSingleton<T>(name: string): T | undefined {
  const current = registry.get(name) as T | undefined;
  registry.delete(name);
  return current;
}

/** The object if something made it already, without making one (for optional hooks one part of the process offers another). */
export function existing<T>(name: string): T | undefined {
  return registry.get(name) as T | undefined;
}
