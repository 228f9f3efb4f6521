/**
 * A schema built when it is first used instead of when its module loads (decision 0058).
 *
 * Every Lambda bundle imports the route manifest and core's schemas; building them all at init was
 * the largest part of a cold start that is ours (0057), although a request uses the few of its
 * route. `lazySchema(() => z.object(…))` returns a stand-in that builds the schema at its first
 * touch (a parse, `.shape`, `.extend`, `instanceof`) and then forwards everything to it, so it can be
 * used wherever the schema could, types included.
 *
 * Only reads, `in`, `instanceof` and writes are forwarded: a Proxy may not report a property its
 * (empty) target lacks as non-configurable, so own-key listing of a schema object (which nothing
 * does) sees nothing. The one place identity matters is z.toJSONSchema, which keys what it has seen
 * by the schema object: give it `withBuiltSchemas(schema)`.
 */

/** Each stand-in's way to its schema. */
const builders = new WeakMap<object, () => object>();

export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const schema = (): T => {
    built ??= build();
    return built;
  };
  const standIn = new Proxy({} as T, {
    get: (_, key) => Reflect.get(schema(), key),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    has: (_, key) => Reflect.has(schema(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
  builders.set(standIn, schema);
  return standIn;
}

/** The schema itself for a stand-in of lazySchema; anything else as it is. */
export function builtSchema<T>(value: T): T {
  const build = typeof value === 'object' && value !== null ? builders.get(value) : undefined;
  return build ? (build() as T) : value;
}

/**
 * `schema` with every stand-in inside it replaced by its schema, for z.toJSONSchema: a schema's own
 * closures name the built object, so a stand-in in the tree would be taken for another schema. The
 * replacement is in place, in the zod definitions (`def`), and changes nothing else: a stand-in and
 * its schema answer alike.
 */
export function withBuiltSchemas<T>(schema: T): T {
  const seen = new Set<object>();
  const visit = (node: unknown): unknown => {
    const built = builtSchema(node);
    if (!isSchema(built) || seen.has(built)) return built;
    seen.add(built);
    const def = (built as { _zod: { def: Record<string, unknown> } })._zod.def;
    for (const [key, value] of Object.entries(def)) {
      // Children stand alone (innerType, element, in, out…), in an array (options, items) or in an
      // object's shape. Written only where a stand-in stood: some definition fields are getters.
      if (Array.isArray(value) || key === 'shape') {
        const children = value as Record<string, unknown>;
        for (const [name, child] of Object.entries(children)) {
          if (isSchema(child) && visit(child) !== child) children[name] = builtSchema(child);
        }
      } else if (isSchema(value) && visit(value) !== value) {
        def[key] = builtSchema(value);
      }
    }
    return built;
  };
  return visit(schema) as T;
}

const isSchema = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && '_zod' in value;
