/**
 * The part of node-postgres's Pool the store uses. Written out, so that the declarations of this package
 * need no @types/pg: a `pg.Pool` (or anything that behaves like one) fits.
 */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number | null;
}

export interface Queryable {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export interface PoolClient extends Queryable {
  /** Back to the pool; with an error (or true), the connection is closed instead. */
  release(destroy?: Error | boolean): void;
}

export interface PostgresPool extends Queryable {
  connect(): Promise<PoolClient>;
  end(): Promise<void>;
}
