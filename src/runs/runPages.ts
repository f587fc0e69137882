// Reading the runs list page by page. A poll asks for the newest runs; when that first page does not reach
// the runs already held (many runs were started while polling was idle), it reads on, a bounded number
// of pages, so the list never has a hole between the new runs and the old ones. When even that does not
// reach them, the store drops the old ones (see RunStore.applyPage) and "Load more" asks from there.

import type { AgentRun, CallOptions, CodegenApi, ListRunsQuery } from '../api/types';

/** Runs asked for per page (first page at least this, "load more" exactly this). */
export const PAGE_SIZE = 25;
/** The service's largest page. */
export const MAX_PAGE_SIZE = 100;
/** Pages one poll reads at most to reach the runs it holds. */
export const MAX_CATCH_UP_PAGES = 4;

export interface RunsPage {
  items: AgentRun[];
  /** More runs exist after these. */
  hasMore: boolean;
}

/** One page of the list. Background polls make no retries in the client: the poller is their retry loop. */
export async function listRunsPage(
  api: Pick<CodegenApi, 'listRuns'>,
  orgId: number,
  query: ListRunsQuery & { skip: number; limit: number },
  signal: AbortSignal,
  mode: 'background' | 'interactive',
): Promise<RunsPage> {
  const options: CallOptions = mode === 'background' ? { signal, retries: 'none' } : { signal };
  const page = await api.listRuns(orgId, query, options);
  const hasMore = page.total !== undefined ? query.skip + page.items.length < page.total : page.items.length >= query.limit;
  return { items: page.items, hasMore };
}

/** The newest runs, read forward until they reach what `held` holds (or MAX_CATCH_UP_PAGES pages). */
export async function fetchNewestRuns(
  api: Pick<CodegenApi, 'listRuns'>,
  orgId: number,
  held: { readonly size: number; isDisjointFrom(ids: readonly number[]): boolean },
  query: Omit<ListRunsQuery, 'skip' | 'limit'>,
  signal: AbortSignal,
): Promise<RunsPage> {
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, held.size));
  const items: AgentRun[] = [];
  let hasMore = false;
  for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
    const answer = await listRunsPage(api, orgId, { ...query, skip: items.length, limit }, signal, 'background');
    items.push(...answer.items);
    hasMore = answer.hasMore;
    if (!hasMore || answer.items.length === 0 || !held.isDisjointFrom(items.map((run) => run.id))) break;
  }
  return { items, hasMore };
}
