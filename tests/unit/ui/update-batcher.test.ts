import { describe, expect, it } from 'vitest';
import { UpdateBatcher } from '../../../src/ui/update-batcher';

function setup() {
  let clock = 0;
  const frames: Array<() => void> = [];
  const rendered: Array<[number, number]> = [];
  const b = new UpdateBatcher<number>(
    (item, since) => rendered.push([item, since]),
    () => clock,
    (fn) => frames.push(fn),
    16,
  );
  return {
    b,
    rendered,
    frames,
    at: (t: number) => (clock = t),
    frame: () => frames.splice(0).forEach((f) => f()),
  };
}

describe('UpdateBatcher', () => {
  it('renders at once when updates are spaced out', () => {
    const s = setup();
    s.at(0);
    s.b.push(1);
    s.at(100);
    s.b.push(2);
    expect(s.rendered).toEqual([
      [1, 0],
      [2, 100],
    ]);
    expect(s.frames).toHaveLength(0);
  });
  it('coalesces a burst into one render of the latest item on the next frame', () => {
    const s = setup();
    s.at(0);
    s.b.push(1);
    s.at(2);
    s.b.push(2);
    s.at(3);
    s.b.push(3);
    expect(s.rendered).toEqual([[1, 0]]);
    expect(s.frames).toHaveLength(1);
    s.at(16);
    s.frame();
    expect(s.rendered).toEqual([
      [1, 0],
      [3, 2],
    ]);
  });
  it('reset drops pending items and dispose stops scheduled renders', () => {
    const s = setup();
    s.b.push(1);
    s.b.push(2);
    s.b.reset();
    s.frame();
    expect(s.rendered).toEqual([[1, 0]]);
    s.at(50);
    s.b.push(3);
    s.at(51);
    s.b.push(4);
    s.b.dispose();
    s.frame();
    expect(s.rendered).toEqual([
      [1, 0],
      [3, 50],
    ]);
  });
});

describe('UpdateBatcher with a longer gap', () => {
  it('waits for frames until the gap has passed, then renders the latest item', () => {
    let clock = 0;
    let gap = 200;
    const frames: Array<() => void> = [];
    const rendered: number[] = [];
    const b = new UpdateBatcher<number>(
      (item) => rendered.push(item),
      () => clock,
      (fn) => frames.push(fn),
      () => gap,
    );
    const frame = (t: number) => {
      clock = t;
      frames.splice(0).forEach((f) => f());
    };
    b.push(1);
    b.push(2);
    frame(16);
    frame(100);
    expect(rendered).toEqual([1]);
    frame(190);
    expect(rendered).toEqual([1, 2]);
    gap = 16;
    clock = 400;
    b.push(3);
    expect(rendered).toEqual([1, 2, 3]);
  });
});
