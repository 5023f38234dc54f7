// D1 binds at most 100 parameters per statement ("too many SQL variables" otherwise). Every statement that binds a
// list (ids in an IN (...), rows of a multi-row INSERT) goes through these, so none can exceed it however long the
// list grows.

export const D1_MAX_BOUND_PARAMETERS = 100;

/** Splits `items` into runs of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Splits a list bound into one statement that also binds `otherParameters` values of its own, so that each
 * statement stays within D1's limit; `perItem` is how many parameters one item binds (columns of a row).
 */
export function chunksForStatement<T>(items: readonly T[], otherParameters: number, perItem = 1): T[][] {
  const size = Math.floor((D1_MAX_BOUND_PARAMETERS - otherParameters) / perItem);
  return chunks(items, size);
}
