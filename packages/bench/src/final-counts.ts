import type { HttpClient } from './http-client';
import { sleep } from './sleep';

export interface FinalCounts {
  total: number;
  cancelled: number;
}

/** Orders in a final state so far, from the totals of GET /orders?status=… (one count query each). */
export async function finalCounts(http: HttpClient, ordersUrl: string): Promise<FinalCounts> {
  const [shipped, cancelled] = await Promise.all(
    ['SHIPPED', 'CANCELLED'].map(
      async (status) =>
        (await http.json<{ total: number }>('GET', `${ordersUrl}/orders?status=${status}&pageSize=1`)).total,
    ),
  );
  return { total: shipped! + cancelled!, cancelled: cancelled! };
}

/** finalCounts, retried every `everyMs` for up to `withinMs`: an overloaded Orders may fail one of them. */
export async function finalCountsRetrying(
  http: HttpClient,
  ordersUrl: string,
  withinMs: number,
  everyMs = 500,
): Promise<FinalCounts> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    try {
      return await finalCounts(http, ordersUrl);
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(everyMs);
    }
  }
}

/** Final counts and when they were true: halfway between the request and its answer (performance.now()). */
export interface TimedCounts extends FinalCounts {
  atMs: number;
}

export async function timedFinalCounts(http: HttpClient, ordersUrl: string, withinMs: number): Promise<TimedCounts> {
  for (;;) {
    const asked = performance.now();
    try {
      const counts = await finalCounts(http, ordersUrl);
      return { ...counts, atMs: (asked + performance.now()) / 2 };
    } catch (error) {
      withinMs -= performance.now() - asked;
      if (withinMs <= 0) throw error;
      await sleep(200);
      withinMs -= 200;
    }
  }
}
