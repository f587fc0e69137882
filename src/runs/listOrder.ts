// How a page changes the order of the held list (pure): a poll's page is the newest part of the list, a
// "load more" page follows what is held. Runs created here while a poll was in flight stay on top; runs
// further down stay only when the page reaches them (otherwise they would sit after a hole).

export interface OrderInput {
  previousOrder: readonly number[];
  pageIds: readonly number[];
  mode: 'replace' | 'append';
  /** The page says more runs follow it. */
  pageHasMore: boolean;
  /** The held list had more to load. */
  heldHasMore: boolean;
  /** Held runs upserted here after the page was requested. */
  isNewerLocal(id: number): boolean;
  isHeld(id: number): boolean;
}

export function nextListOrder(input: OrderInput): { order: number[]; hasMore: boolean } {
  const { previousOrder, pageIds } = input;
  if (input.mode === 'append') {
    return { order: [...previousOrder, ...pageIds.filter((id) => !input.isHeld(id))], hasMore: input.pageHasMore };
  }
  const onPage = new Set(pageIds);
  const newerLocal = previousOrder.filter((id) => !onPage.has(id) && input.isNewerLocal(id));
  const order = [...newerLocal, ...pageIds];
  let keptTail = false;
  if (input.pageHasMore) {
    let lastOverlap = -1;
    previousOrder.forEach((id, index) => {
      if (onPage.has(id)) lastOverlap = index;
    });
    const tail = lastOverlap < 0 ? [] : previousOrder.slice(lastOverlap + 1).filter((id) => !onPage.has(id) && !newerLocal.includes(id));
    keptTail = tail.length > 0;
    order.push(...tail);
  }
  return { order, hasMore: keptTail ? input.heldHasMore || input.pageHasMore : input.pageHasMore };
}
