// A virtualized list for the log view: only the rows in (or near) the viewport exist in the DOM, so
// 10,000 entries scroll as smoothly as 10. Rows have variable heights: each starts with an estimate and
// is measured once rendered; positions come from prefix sums over those heights.

/** Heights of all rows (measured where known, estimated elsewhere) and their prefix sums. */
export class RowLayout {
  private heights: number[] = [];
  /** offsets[i] = top of row i; offsets[count] = total height. */
  private offsets: number[] = [0];
  private dirty = false;

  get count(): number {
    return this.heights.length;
  }

  /** Replaces every row height (e.g. after the list's items changed). */
  reset(heights: readonly number[]): void {
    this.heights = heights.map(sanitizeHeight);
    this.dirty = true;
  }

  height(index: number): number {
    return this.heights[index] ?? 0;
  }

  /** Sets one row's height; returns true when it changed. */
  setHeight(index: number, height: number): boolean {
    const value = sanitizeHeight(height);
    if (index < 0 || index >= this.heights.length || this.heights[index] === value) return false;
    this.heights[index] = value;
    this.dirty = true;
    return true;
  }

  /** Prefix sums, rebuilt lazily: O(n) once per batch of changes, not per row. */
  prefixSums(): readonly number[] {
    if (this.dirty) {
      const offsets = new Array<number>(this.heights.length + 1);
      let sum = 0;
      offsets[0] = 0;
      for (let i = 0; i < this.heights.length; i++) {
        sum += this.heights[i] ?? 0;
        offsets[i + 1] = sum;
      }
      this.offsets = offsets;
      this.dirty = false;
    }
    return this.offsets;
  }

  offsetOf(index: number): number {
    const offsets = this.prefixSums();
    return offsets[Math.max(0, Math.min(index, this.heights.length))] ?? 0;
  }

  get totalHeight(): number {
    return this.offsetOf(this.heights.length);
  }
}

function sanitizeHeight(height: number): number {
  return Number.isFinite(height) && height > 0 ? height : 1;
}

export interface WindowQuery {
  scrollTop: number;
  viewportHeight: number;
  /** Prefix sums: offsets[i] is the top of row i, offsets[count] the total height (length count + 1). */
  offsets: readonly number[];
  /** Extra rows rendered above and below the viewport. */
  overscan: number;
}

export interface WindowRange {
  /** First rendered row. */
  start: number;
  /** One past the last rendered row. */
  end: number;
}

/** Index of the row containing vertical position `y` (clamped to the list). */
export function rowAt(offsets: readonly number[], y: number): number {
  const count = offsets.length - 1;
  if (count <= 0) return 0;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((offsets[mid] ?? 0) <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The rows to render for a scroll position: those intersecting the viewport plus `overscan` each side. */
export function computeWindow(query: WindowQuery): WindowRange {
  const count = query.offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const total = query.offsets[count] ?? 0;
  const viewport = Math.max(0, query.viewportHeight);
  const top = Math.max(0, Math.min(query.scrollTop, Math.max(0, total - viewport)));
  const first = rowAt(query.offsets, top);
  // The row holding the last visible pixel (exclusive bound, hence the epsilon).
  const last = rowAt(query.offsets, Math.max(top, top + viewport - 0.5));
  const overscan = Math.max(0, Math.floor(query.overscan));
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + 1 + overscan) };
}

export interface VirtualListOptions<T> {
  /** The scrolling element (overflow: auto); the list owns its children. */
  viewport: HTMLElement;
  renderRow(item: T, position: number): HTMLElement;
  keyOf(item: T): number;
  estimateHeight(item: T): number;
  overscan?: number;
  /** Viewport height; defaults to viewport.clientHeight (0 in jsdom, so tests pass one). */
  viewportHeight?: () => number;
  /** Schedules a render for the next frame; defaults to requestAnimationFrame. */
  requestFrame?: (callback: () => void) => void;
  /** Called after a render with the visible range, e.g. to load older entries near the top. */
  onRendered?: (range: WindowRange, atTop: boolean, atBottom: boolean) => void;
  /** Accessible label of the list. */
  label?: string;
}

/** Where the list's scroll position goes when its items change. */
export type Anchor = 'keep' | 'bottom' | 'top';

export class VirtualList<T> {
  private items: T[] = [];
  private readonly layout = new RowLayout();
  /** Measured heights survive filtering and re-rendering, keyed by item key. */
  private readonly measured = new Map<number, number>();
  private readonly rendered = new Map<number, HTMLElement>();
  private readonly positionOfKey = new Map<number, number>();
  private readonly before: HTMLElement;
  private readonly rows: HTMLElement;
  private readonly after: HTMLElement;
  private range: WindowRange = { start: 0, end: 0 };
  private framePending = false;
  private disposed = false;
  private readonly onScroll = (): void => this.scheduleRender();

  constructor(private readonly options: VirtualListOptions<T>) {
    const doc = options.viewport.ownerDocument;
    this.before = doc.createElement('div');
    this.rows = doc.createElement('div');
    this.after = doc.createElement('div');
    this.before.className = 'vl-spacer';
    this.after.className = 'vl-spacer';
    this.rows.className = 'vl-rows';
    this.rows.setAttribute('role', 'list');
    if (options.label) this.rows.setAttribute('aria-label', options.label);
    // The list anchors its own scroll position; the browser's anchoring would fight it.
    options.viewport.style.setProperty('overflow-anchor', 'none');
    options.viewport.replaceChildren(this.before, this.rows, this.after);
    options.viewport.addEventListener('scroll', this.onScroll, { passive: true });
  }

  get length(): number {
    return this.items.length;
  }

  /** Number of row elements currently in the DOM. */
  get renderedCount(): number {
    return this.rows.childElementCount;
  }

  get visibleRange(): WindowRange {
    return { ...this.range };
  }

  itemAt(position: number): T | undefined {
    return this.items[position];
  }

  positionOf(key: number): number | undefined {
    return this.positionOfKey.get(key);
  }

  /** Replaces the items; `anchor` says where the view goes ('keep' holds the first visible item in place). */
  setItems(items: T[], anchor: Anchor = 'keep'): void {
    const anchorState = anchor === 'keep' ? this.captureAnchor() : undefined;
    const wasAtBottom = this.isAtBottom();
    this.items = items;
    this.positionOfKey.clear();
    items.forEach((item, position) => this.positionOfKey.set(this.options.keyOf(item), position));
    this.layout.reset(items.map((item) => this.measured.get(this.options.keyOf(item)) ?? this.options.estimateHeight(item)));
    for (const [key, element] of this.rendered) {
      if (!this.positionOfKey.has(key)) {
        element.remove();
        this.rendered.delete(key);
      }
    }
    // Size the spacers for the new items first: a browser clamps scrollTop to the current content height.
    this.renderWindow();
    if (anchor === 'bottom' || (anchor === 'keep' && wasAtBottom && items.length > 0)) this.scrollToBottomNow();
    else if (anchor === 'top') this.options.viewport.scrollTop = 0;
    else if (anchorState) this.restoreAnchor(anchorState);
    this.renderNow();
  }

  /** True when the view shows the end of the list (within a few pixels). */
  isAtBottom(): boolean {
    const viewport = this.options.viewport;
    return this.layout.totalHeight - (viewport.scrollTop + this.viewportHeight()) <= 4;
  }

  scrollToBottom(): void {
    this.scrollToBottomNow();
    this.renderNow();
  }

  /** Scrolls so the item with `key` is at the top of the viewport; returns its row element once rendered. */
  scrollToKey(key: number): HTMLElement | undefined {
    const position = this.positionOfKey.get(key);
    if (position === undefined) return undefined;
    this.options.viewport.scrollTop = this.layout.offsetOf(position);
    this.renderNow();
    // Measuring may have moved rows above it: settle on the measured position.
    this.options.viewport.scrollTop = this.layout.offsetOf(position);
    this.renderNow();
    return this.rendered.get(key);
  }

  /** Drops every rendered row so the next render builds them again (their look depends on outside state). */
  rebuildRows(): void {
    for (const element of this.rendered.values()) element.remove();
    this.rendered.clear();
    this.renderNow();
  }

  /** Re-measures rendered rows (after a row's content changed size, e.g. a fold opened). */
  invalidate(): void {
    this.scheduleRender();
  }

  /** Current scroll anchor, for restoring the view later (webview state). */
  captureAnchor(): { key: number; delta: number } | undefined {
    const offsets = this.layout.prefixSums();
    if (this.items.length === 0) return undefined;
    const scrollTop = this.options.viewport.scrollTop;
    const position = rowAt(offsets, scrollTop);
    const item = this.items[position];
    if (item === undefined) return undefined;
    return { key: this.options.keyOf(item), delta: scrollTop - (offsets[position] ?? 0) };
  }

  restoreAnchor(anchor: { key: number; delta: number }): void {
    const position = this.positionOfKey.get(anchor.key);
    if (position === undefined) return;
    this.options.viewport.scrollTop = this.layout.offsetOf(position) + anchor.delta;
  }

  dispose(): void {
    this.disposed = true;
    this.options.viewport.removeEventListener('scroll', this.onScroll);
    this.rendered.clear();
    this.options.viewport.replaceChildren();
  }

  private viewportHeight(): number {
    return this.options.viewportHeight?.() ?? this.options.viewport.clientHeight;
  }

  private scrollToBottomNow(): void {
    this.options.viewport.scrollTop = Math.max(0, this.layout.totalHeight - this.viewportHeight());
  }

  private scheduleRender(): void {
    if (this.framePending || this.disposed) return;
    this.framePending = true;
    const frame = this.options.requestFrame ?? ((callback: () => void) => requestAnimationFrame(() => callback()));
    frame(() => {
      this.framePending = false;
      if (!this.disposed) this.renderNow();
    });
  }

  /** Renders the rows of the current window, measures them, and renders again if measuring moved things. */
  renderNow(): void {
    for (let pass = 0; pass < 3; pass++) {
      const anchor = this.captureAnchor();
      const atBottom = this.isAtBottom();
      this.renderWindow();
      if (!this.measureRendered()) break;
      // Heights changed: keep what the user looks at in place (or stay pinned to the bottom).
      if (atBottom) this.scrollToBottomNow();
      else if (anchor) this.restoreAnchor(anchor);
    }
    const viewport = this.options.viewport;
    this.options.onRendered?.(this.visibleRange, viewport.scrollTop <= 4, this.isAtBottom());
  }

  private renderWindow(): void {
    const offsets = this.layout.prefixSums();
    this.range = computeWindow({
      scrollTop: this.options.viewport.scrollTop,
      viewportHeight: this.viewportHeight(),
      offsets,
      overscan: this.options.overscan ?? 4,
    });
    const wanted: HTMLElement[] = [];
    const wantedKeys = new Set<number>();
    for (let position = this.range.start; position < this.range.end; position++) {
      const item = this.items[position];
      if (item === undefined) continue;
      const key = this.options.keyOf(item);
      wantedKeys.add(key);
      let element = this.rendered.get(key);
      if (!element) {
        element = this.options.renderRow(item, position);
        element.setAttribute('role', 'listitem');
        this.rendered.set(key, element);
      }
      element.setAttribute('aria-posinset', String(position + 1));
      element.setAttribute('aria-setsize', String(this.items.length));
      wanted.push(element);
    }
    for (const [key, element] of this.rendered) {
      if (!wantedKeys.has(key)) {
        element.remove();
        this.rendered.delete(key);
      }
    }
    // Reorder only when needed: moving a focused row would drop its focus.
    const current = Array.from(this.rows.children);
    if (current.length !== wanted.length || current.some((element, i) => element !== wanted[i])) {
      this.rows.replaceChildren(...wanted);
    }
    this.before.style.height = `${offsets[this.range.start] ?? 0}px`;
    this.after.style.height = `${Math.max(0, (offsets[offsets.length - 1] ?? 0) - (offsets[this.range.end] ?? 0))}px`;
  }

  /** Records the real heights of rendered rows; returns true when any differed from what the layout assumed. */
  private measureRendered(): boolean {
    let changed = false;
    for (let position = this.range.start; position < this.range.end; position++) {
      const item = this.items[position];
      if (item === undefined) continue;
      const key = this.options.keyOf(item);
      const element = this.rendered.get(key);
      if (!element) continue;
      const height = element.getBoundingClientRect().height;
      // 0 means no layout (hidden panel, or jsdom): keep the estimate rather than collapse the row.
      if (height <= 0) continue;
      this.measured.set(key, height);
      if (this.layout.setHeight(position, height)) changed = true;
    }
    return changed;
  }
}
