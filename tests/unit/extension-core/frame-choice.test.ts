// pickFrame: visibility first, then focus, then same origin as the top page, then form quality.
import { pickFrame, type RankedFrame } from '@ext/utils/background/frame-choice';

const frame = (frameId: number, facts: Partial<RankedFrame> = {}): RankedFrame => ({
  frameId,
  visible: true,
  focused: false,
  sameOriginAsTop: true,
  quality: 2,
  ...facts,
});

describe('pickFrame', () => {
  it('when there is no frame with a form, then there is nothing to fill', () => {
    expect(pickFrame([])).toBeNull();
  });

  it('when the first frame with a form is cross-origin and a later one is same-origin, then the same-origin one is filled', () => {
    expect(pickFrame([frame(3, { sameOriginAsTop: false }), frame(7)])).toBe(7);
  });

  it('when a same-origin frame is invisible and a cross-origin one is visible, then visibility wins', () => {
    expect(pickFrame([frame(2, { visible: false }), frame(5, { sameOriginAsTop: false })])).toBe(5);
  });

  it('when five frames have forms and one is visible and same-origin, then that one is filled', () => {
    const frames = [
      frame(1, { visible: false }),
      frame(2, { visible: false, sameOriginAsTop: false }),
      frame(3, { sameOriginAsTop: false }),
      frame(4),
      frame(5, { visible: false, focused: true }),
    ];
    expect(pickFrame(frames)).toBe(4);
  });

  it('when a visible field has focus, then its frame beats a same-origin one', () => {
    expect(pickFrame([frame(0), frame(4, { focused: true, sameOriginAsTop: false })])).toBe(4);
  });

  it('when everything else ties, then a username+password form beats a single step, then document order', () => {
    expect(pickFrame([frame(0, { quality: 1 }), frame(6, { quality: 2 })])).toBe(6);
    expect(pickFrame([frame(9), frame(2)])).toBe(2);
  });

  it('when no frame is visible, then the best hidden one is still named (the fill then refuses and says why)', () => {
    expect(pickFrame([frame(3, { visible: false, sameOriginAsTop: false }), frame(8, { visible: false })])).toBe(8);
  });
});
