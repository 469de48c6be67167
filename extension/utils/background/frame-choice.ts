// Which frame of a tab a popup or shortcut fill goes to (pure: the background gathers the facts).

export interface RankedFrame {
  frameId: number;
  /** Visible through every frame above it. */
  visible: boolean;
  focused: boolean;
  sameOriginAsTop: boolean;
  quality: number;
}

/**
 * The frame to fill: visible ones first (a hidden frame is never preferred to a visible one), then
 * the one whose field has focus, then same-origin-as-top, then the better form (username and
 * password over a single step), then document order. Pure, so the order is unit-tested.
 */
export function pickFrame(frames: readonly RankedFrame[]): number | null {
  const score = (frame: RankedFrame) => [frame.visible ? 1 : 0, frame.focused ? 1 : 0, frame.sameOriginAsTop ? 1 : 0, frame.quality];
  const sorted = [...frames].sort((a, b) => {
    const [sa, sb] = [score(a), score(b)];
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sb[i]! - sa[i]!;
    return a.frameId - b.frameId;
  });
  return sorted[0]?.frameId ?? null;
}
