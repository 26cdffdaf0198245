import type { ReactNode } from 'react';

/**
 * A wide table on a narrow screen (a team lead's phone) scrolls sideways inside its card instead of widening the
 * page. The region takes the keyboard focus, so it scrolls without a mouse (axe: scrollable-region-focusable).
 * `heatmap-scroll` is agent.css's sideways scroller.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <section className="heatmap-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
