import { fillPlaceholders, is, Placeholder, type SQL } from "drizzle-orm";

// drizzle builds a query's SQL text on every use: it walks the query's parts checking each one's kind (`is()`),
// which was a fifth of the app isolate's CPU samples under the bench. The hot statements have one shape each, so
// their text is built once per isolate, with `sql.placeholder()`s where the values go; each use builds the query
// as usual (columns, result mapping and types stay drizzle's) and only takes its SQL from the cache.

interface Built {
  sql: string;
  params: unknown[];
}

/** What drizzle's query builders (select, insert, update, delete) use to make their SQL. */
interface Buildable {
  getSQL(): SQL;
  dialect: { sqlToQuery(sql: SQL): Built };
}

const cache = new Map<string, Built>();

/**
 * `query` (built with `sql.placeholder(name)` for every value, constants too), with the SQL text cached under
 * `key` and the placeholders filled from `values`. One key, one shape: a query whose text depends on its values (a
 * list of variable length, an optional condition) must not use this, nor one used as a subquery. Works with
 * drizzle's run/get/all, db.batch and toSQL(); a placeholder left unfilled makes the statement fail loudly.
 */
export function cachedSql<Q>(key: string, query: Q, values: Record<string, unknown>): Q {
  const q = query as unknown as Buildable;
  let built = cache.get(key);
  if (!built) {
    const { sql, params } = q.dialect.sqlToQuery(q.getSQL());
    // A value built into the cached text would be sent with every later use, whoever's it was: refused.
    if (!params.every((p) => is(p, Placeholder))) throw new Error(`cachedSql(${key}): every value must be a sql.placeholder()`);
    built = { sql, params };
    cache.set(key, built);
  }
  const filled: Built = { sql: built.sql, params: fillPlaceholders(built.params, values) };
  // Instance properties shadow the builder's own: its _prepare() and toSQL() call dialect.sqlToQuery(getSQL()).
  Object.assign(q, { getSQL: () => undefined, dialect: { sqlToQuery: () => filled } });
  return query;
}
