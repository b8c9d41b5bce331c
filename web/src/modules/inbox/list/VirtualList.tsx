import { type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';

/** Rows rendered for a viewport of `height` px scrolled to `scrollTop`, plus `overscan` rows each side. */
export function visibleRange(count: number, rowHeight: number, scrollTop: number, height: number, overscan: number) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { first, last };
}

// useLayoutEffect warns when rendered on the server (component tests).
const useIsomorphicLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ReactNode;
  rowKey: (index: number) => string | number;
  /** Called when the last rows come into view (load the next page). */
  onEndReached?: () => void;
  /** Kept in view (keyboard navigation). */
  activeIndex?: number;
  label: string;
  footer?: ReactNode;
  overscan?: number;
  /** Viewport height before the first measurement (server rendering, tests). */
  initialHeight?: number;
}

/**
 * A list that renders only the rows near the viewport, so 10,000 conversations stay a few dozen DOM
 * nodes. Fixed row height; the full height is kept so the scrollbar is honest.
 */
export function VirtualList({
  count,
  rowHeight,
  renderRow,
  rowKey,
  onEndReached,
  activeIndex,
  label,
  footer,
  overscan = 6,
  initialHeight = 800,
}: VirtualListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(initialHeight);
  const endReached = useRef(onEndReached);
  endReached.current = onEndReached;

  useIsomorphicLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    setHeight(element.clientHeight || initialHeight);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight || initialHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, [initialHeight]);

  useEffect(() => {
    const element = viewport.current;
    if (!element || activeIndex === undefined || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowHeight > element.scrollTop + element.clientHeight) {
      element.scrollTop = top + rowHeight - element.clientHeight;
    }
  }, [activeIndex, rowHeight]);

  const { first, last } = visibleRange(count, rowHeight, scrollTop, height, overscan);

  useEffect(() => {
    if (count > 0 && last >= count - 2) endReached.current?.();
  }, [last, count]);

  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    rows.push(
      <li
        key={rowKey(index)}
        className="vlist-row"
        style={{ top: index * rowHeight, height: rowHeight }}
        aria-setsize={count}
        aria-posinset={index + 1}
      >
        {renderRow(index)}
      </li>,
    );
  }

  return (
    <div className="vlist" ref={viewport} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}>
      <ul className="vlist-rows" aria-label={label} style={{ height: count * rowHeight }}>
        {rows}
      </ul>
      {footer}
    </div>
  );
}
