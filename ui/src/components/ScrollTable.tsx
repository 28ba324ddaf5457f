import type { ReactNode } from "react";

/**
 * A table that scrolls sideways on a narrow screen. The scrolling box takes the keyboard focus
 * (so it can be scrolled without a mouse) and is a named region.
 */
export function ScrollTable({ label, minWidth, children }: { label: string; minWidth: number; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: "auto", position: "relative" }}>
      <div style={{ minWidth }}>{children}</div>
    </div>
  );
}
