import type { Table } from '@impact/contracts';
import type { z } from 'zod';

/** A table → table step run between loading data and fitting the model (`transforms:` in YAML). */
export interface TransformAdapter<P = unknown> {
  /** Name used in YAML (`transforms: [{ name: <name>, ...params }]`). */
  name: string;
  /** Schema of the transform's keys other than `name` (strict). */
  paramsSchema: z.ZodType<P>;
  apply(table: Table, params: P): Table;
}

/**
 * Type helper for declaring a transform.
 *
 * @example
 * ```ts
 * registerTransform(defineTransform({ name: 'identity', paramsSchema: z.strictObject({}), apply: (table) => table }));
 * ```
 */
export function defineTransform<P>(adapter: TransformAdapter<P>): TransformAdapter<P> {
  return adapter;
}
