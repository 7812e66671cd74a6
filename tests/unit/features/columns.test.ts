import { describe, expect, it } from 'vitest';
import { COLUMNS, NF } from '../../../src/core/features/columns';
import { FEATURES } from '../../../src/core/features';

describe('feature slots (columns.ts)', () => {
  it('cover every registry feature exactly once, each in its registry group', () => {
    const seen = new Array<number>(NF).fill(0);
    for (const [group, slots] of Object.entries(COLUMNS)) {
      for (const slot of Object.values(slots)) {
        for (const i of typeof slot === 'number' ? [slot] : Array.from(slot)) {
          expect(FEATURES[i]?.group, `${FEATURES[i]?.name} listed under ${group}`).toBe(group);
          seen[i]! += 1;
        }
      }
    }
    expect(NF).toBe(FEATURES.length);
    const wrong = seen.flatMap((count, i) => (count === 1 ? [] : [`${FEATURES[i]!.name}: ${count}`]));
    expect(wrong).toEqual([]);
  });
});
