// A field inside a frame is only as visible as every frame above it, and a frame's visibility can
// only be judged from its parent document (where its <iframe> element, its opacity and whatever
// covers it live). A cross-origin frame cannot read its parent, so the background walks the chain:
// it asks each parent frame's content script about the <iframe> of the child (found with
// `runtime.getFrameId`, which the browser answers, not the page), maps the field's point into the
// parent's viewport, multiplies the opacities, and refuses as soon as one level is hidden.
// The same walk composes the offsets that place the inline menu in the top frame.

import { browser } from 'wxt/browser';
import type { RefuseReason } from '../forms/plan-fill';
import { minFillOpacity } from '../forms/visibility';
import { askContent } from '../messaging';
import type { FillTargetView } from '../protocol';

/** A parent frame that does not answer in this time counts as hiding its child (fail closed). */
const parentAnswerTimeoutMs = 2000;

interface FrameInfo {
  frameId: number;
  parentFrameId: number;
  url: string;
}

export type FrameChainResult =
  | {
      visible: true;
      /** Opacity of the field times that of every frame above it. */
      opacity: number;
      /** The field's point in the top frame's viewport. */
      point: { x: number; y: number };
      /** Offset of the field's frame's content box in the top viewport (sums of the levels). */
      offset: { left: number; top: number };
      /** The child of the top frame on the way down (its <iframe> is what the top page scrolls). */
      topChildFrameId: number | null;
      /** That <iframe>'s content-box offset in the top viewport. */
      topChildOffset: { left: number; top: number } | null;
      /** That frame's index among the top page's `window.frames`. */
      topChildIndex: number;
    }
  | { visible: false; reason: RefuseReason };

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

async function framesOf(tabId: number): Promise<Map<number, FrameInfo>> {
  const frames = (await browser.webNavigation.getAllFrames({ tabId })) ?? [];
  return new Map(frames.map((frame) => [frame.frameId, { frameId: frame.frameId, parentFrameId: frame.parentFrameId, url: frame.url }]));
}

/**
 * Judges the frames above `frameId` for a fill target at `target` (its point in its own frame and
 * its opacity there). Visible only if each <iframe> on the way up is visible at the mapped point
 * and the product of all opacities is at least `minFillOpacity`.
 */
export async function judgeFrameChain(tabId: number, frameId: number, target: FillTargetView): Promise<FrameChainResult> {
  let point = target.point;
  let opacity = target.opacity;
  let offset = { left: 0, top: 0 };
  let topChildFrameId: number | null = null;
  let topChildOffset: { left: number; top: number } | null = null;
  let topChildIndex = -1;
  if (frameId !== 0) {
    const frames = await framesOf(tabId);
    const own = frames.get(frameId);
    const fieldHost = own ? hostOf(own.url) : 'another site';
    let child = own;
    const levels: { left: number; top: number }[] = [];
    while (child && child.frameId !== 0) {
      const parentId = child.parentFrameId;
      const childId = child.frameId;
      const ask = async () => {
        const { index } = await askContent(tabId, childId, 'frame-index', {});
        const seen = await askContent(tabId, parentId, 'frame-visibility', { childFrameId: childId, frameIndex: index, point });
        // Frames re-ordered while we asked: the answer may be about another frame.
        const after = await askContent(tabId, childId, 'frame-index', {});
        return after.index === index ? { seen, index } : null;
      };
      const answer = await Promise.race([
        ask().catch(() => null),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), parentAnswerTimeoutMs)),
      ]);
      const frameHost = hostOf(child.url);
      if (!answer) return { visible: false, reason: { code: 'frame-not-visible', frameHost, why: { code: 'removed' } } };
      const { seen } = answer;
      if (!seen.visible) return { visible: false, reason: { code: 'frame-not-visible', frameHost, why: seen.reason } };
      opacity *= seen.opacity;
      point = seen.point;
      levels.push(seen.offset);
      if (parentId === 0) {
        topChildFrameId = child.frameId;
        topChildOffset = seen.offset;
        topChildIndex = answer.index;
      }
      child = frames.get(parentId);
    }
    if (!child) return { visible: false, reason: { code: 'frame-not-visible', frameHost: fieldHost, why: { code: 'removed' } } };
    // Each level's offset is in its parent's viewport, so the field frame's origin in the top
    // viewport is the sum of all levels.
    offset = levels.reduce((sum, level) => ({ left: sum.left + level.left, top: sum.top + level.top }), offset);
    opacity = Math.round(opacity * 1000) / 1000;
    if (opacity < minFillOpacity) {
      return { visible: false, reason: { code: 'frame-not-visible', frameHost: fieldHost, why: { code: 'transparent', opacity } } };
    }
  }
  return { visible: true, opacity, point, offset, topChildFrameId, topChildOffset, topChildIndex };
}
