// PairMap: keys are pairs (a and b never run together the way a joined string
// would: 'a|b' + 'c' and 'a' + 'b|c' are different keys), deletes drop empty
// inner maps, and values come grouped by the first key.
import { describe, expect, it } from 'vitest';
import { PairMap } from '../../../../src/engine/core/pair-map.js';

describe('PairMap', () => {
  it('keeps each pair apart, deletes and lists values grouped by the first key', () => {
    const m = new PairMap<number>();
    m.set('a|b', 'c', 1).set('a', 'b|c', 2).set('x', 'y', 3).set('a', 'z', 4);
    expect(m.get('a|b', 'c')).toBe(1);
    expect(m.get('a', 'b|c')).toBe(2);
    expect(m.has('a', 'c')).toBe(false);
    expect([...m.values()]).toEqual([1, 2, 4, 3]);
    m.set('a', 'b|c', 5);
    expect(m.get('a', 'b|c')).toBe(5);
    expect(m.delete('a', 'b|c')).toBe(true);
    expect(m.delete('a', 'b|c')).toBe(false);
    expect(m.delete('a', 'z')).toBe(true);
    expect(m.has('a', 'z')).toBe(false);
    // 'a' emptied and gone: set again, it comes after 'x'
    m.set('a', 'q', 6);
    expect([...m.values()]).toEqual([1, 3, 6]);
  });
});
