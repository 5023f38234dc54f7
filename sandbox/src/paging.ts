import { z } from "zod";
import { IamportError } from "./envelope";
import { int, parse } from "./input";

/** Iamport's paged lists (PagedPaymentAnnotation): page numbers, 0 where there is none. */
export interface Paged<T> {
  total: number;
  previous: number;
  next: number;
  list: T[];
}

export interface PageRequest {
  page: number;
  limit: number;
}

// `limit` is "최대 1000건, 기본값 20건" wherever the schema has it; lists without it page by 20.
const PageQuery = z.object({
  page: int.pipe(z.number().min(1)).optional(),
  limit: int.pipe(z.number().min(1).max(1000)).optional(),
});

export function readPage(query: { page?: string; limit?: string }, limitAllowed = true): PageRequest {
  const q = parse(PageQuery, { page: query.page, ...(limitAllowed ? { limit: query.limit } : {}) });
  return { page: q.page ?? 1, limit: q.limit ?? 20 };
}

export const sliceOf = (req: PageRequest) => ({ offset: (req.page - 1) * req.limit, limit: req.limit });

/**
 * Wraps one page. A page past the last one is a 400 (the schema's "데이터 범위를 넘어선 page"), whether or not the
 * list is empty; page 1 of an empty list is an empty page.
 */
export function pageOf<T>(req: PageRequest, total: number, list: T[]): Paged<T> {
  const pages = Math.max(1, Math.ceil(total / req.limit));
  if (req.page > pages) throw new IamportError(400, -1, "요청하신 page가 범위를 벗어났습니다.");
  return { total, previous: req.page > 1 ? req.page - 1 : 0, next: req.page < pages ? req.page + 1 : 0, list };
}
