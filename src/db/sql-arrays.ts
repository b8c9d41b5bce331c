import { type RawBuilder, sql } from 'kysely';

/** The element types our array parameters are cast to. */
export type ArrayElementType = 'bigint' | 'int' | 'smallint' | 'text' | 'jsonb' | 'boolean' | 'timestamptz';

/*
 * Lists and rows as array parameters, one per list or column, instead of one parameter per element or cell.
 * PostgreSQL parses, analyses and plans a VALUES list or an IN list element by element: a batch's 200-row
 * message INSERT (14 parameters a row) cost its backend ~11 ms against ~7 ms as INSERT ... SELECT FROM
 * unnest(...) (measured on the benchmark machine, 2026-11-30), and Kysely compiles one node per parameter.
 * Both PostgreSQL and PGlite take JavaScript arrays as array parameters. The price is on our side: pg escapes
 * every string element of an array (quotes and backslashes, two regex passes and a copy), so columns of long
 * text with many quotes (raw JSON bodies) are better sent as plain parameters.
 */

/** `any($1::type[])`, for `.where(column, '=', anyOf(values, type))`. */
export function anyOf<T>(values: readonly T[], type: ArrayElementType): RawBuilder<T> {
  return sql<T>`any(${sql.val(values)}::${sql.raw(type)}[])`;
}

/** An array parameter cast to `type[]`: for `unnest(...)` and `any(...)` inside hand-written SQL. */
export function arrayOf(values: readonly unknown[], type: ArrayElementType): RawBuilder<unknown> {
  // pg formats each Date of an array in local time by hand (a dozen strings each); toISOString is native.
  const elements =
    type === 'timestamptz'
      ? values.map((value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value))
      : values;
  return sql`${sql.val(elements)}::${sql.raw(type)}[]`;
}

/** `unnest($1::t1[], $2::t2[], ...)`: rows given column by column, each column an array of its type. */
export function unnest(
  ...columns: ReadonlyArray<readonly [readonly unknown[], ArrayElementType]>
): RawBuilder<unknown> {
  return sql`unnest(${sql.join(columns.map(([values, type]) => arrayOf(values, type)))})`;
}

/** How to read one column of a row: its type and the value of each row. */
export type ColumnSource<Row> = readonly [ArrayElementType, (row: Row) => unknown];

/**
 * Rows as `SELECT * FROM unnest($1::t1[], $2::t2[], ...)` with the column names in the same order, for
 * `insertInto(table).columns(columns).expression(select)`. Rows come out in the order given.
 */
export function unnestRows<Row, Column extends string>(
  source: Record<Column, ColumnSource<Row>>,
  rows: readonly Row[],
): { columns: Column[]; select: RawBuilder<unknown> } {
  const columns = Object.keys(source) as Column[];
  const arrays = columns.map((column) => {
    const [type, read] = source[column];
    return [rows.map(read), type] as const;
  });
  return { columns, select: sql`SELECT * FROM ${unnest(...arrays)}` };
}

/**
 * `column` (JSON kept as text) contains one of `values` as a JSON string — `"5511987654321"` — as a whole
 * value, not inside a longer one: how a person's ids are found in stored payloads for erasure.
 */
export function mentionsAnyOf(column: string, values: readonly string[]): RawBuilder<boolean> {
  const quoted = values.map((value) => JSON.stringify(value));
  return sql<boolean>`exists (select 1 from unnest(${arrayOf(quoted, 'text')}) needle where strpos(${sql.ref(column)}, needle) > 0)`;
}
