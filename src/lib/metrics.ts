import * as z from "zod";

// Counts what each request and each queue batch costs: D1 round trips and statements, Iamport token and API
// calls. Only outside production (the benchmark reads them from GET /__metrics); production never wraps D1.

export interface Usage {
  d1RoundTrips: number;
  d1Statements: number;
  iamportToken: number;
  iamportApi: number;
}

export const newUsage = (): Usage => ({ d1RoundTrips: 0, d1Statements: 0, iamportToken: 0, iamportApi: 0 });

interface Totals extends Usage {
  units: number;
}

const totals = new Map<string, Totals>();

/** Adds one unit (a request, or `units` queue messages) and what it cost under `key`. */
export function recordUsage(key: string, usage: Usage, units = 1) {
  const t = totals.get(key) ?? { units: 0, ...newUsage() };
  t.units += units;
  t.d1RoundTrips += usage.d1RoundTrips;
  t.d1Statements += usage.d1Statements;
  t.iamportToken += usage.iamportToken;
  t.iamportApi += usage.iamportApi;
  totals.set(key, t);
}

export const usageSnapshot = () => Object.fromEntries(totals);
export const resetUsage = () => totals.clear();

/** The same path with ids folded, so /api/payments/pay_ab… counts as /api/payments/:merchant_uid. */
export const routeKey = (method: string, path: string) =>
  `${method} ${path.replace(/pay_[0-9a-f]{32}/g, ":merchant_uid")}`;

class CountedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly usage: Usage,
  ) {}
  private once() {
    this.usage.d1RoundTrips++;
    this.usage.d1Statements++;
  }
  bind(...values: unknown[]) {
    return new CountedStatement(this.inner.bind(...values), this.usage);
  }
  first(column?: string) {
    this.once();
    return column === undefined ? this.inner.first() : this.inner.first(column);
  }
  all() {
    this.once();
    return this.inner.all();
  }
  run() {
    this.once();
    return this.inner.run();
  }
  raw(options?: { columnNames?: boolean }) {
    this.once();
    return this.inner.raw(options as { columnNames: true });
  }
}

const unwrap = (s: D1PreparedStatement) => (s instanceof CountedStatement ? s.inner : s) as D1PreparedStatement;

/** A D1 binding that counts every round trip (a batch is one) and every statement it carries. */
export function countingD1(db: D1Database, usage: Usage): D1Database {
  return {
    prepare: (query: string) => new CountedStatement(db.prepare(query), usage) as unknown as D1PreparedStatement,
    batch: (statements: D1PreparedStatement[]) => {
      usage.d1RoundTrips++;
      usage.d1Statements += statements.length;
      return db.batch(statements.map(unwrap));
    },
    exec: (query: string) => {
      usage.d1RoundTrips++;
      usage.d1Statements++;
      return db.exec(query);
    },
    withSession: db.withSession.bind(db),
    dump: db.dump.bind(db),
  } as D1Database;
}

/** What GET /__metrics answers (outside production): per route key, its units and what they cost. */
export const UsageSnapshotJson = z.record(
  z.string(),
  z.object({
    units: z.number().int(),
    d1RoundTrips: z.number().int(),
    d1Statements: z.number().int(),
    iamportToken: z.number().int(),
    iamportApi: z.number().int(),
  }),
);
