import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../../../src/engine/core/bus.js';

type M = { a: number; b: string };

describe('MessageBus', () => {
  it('delivers to subscribers in subscription order', () => {
    const bus = new MessageBus<M>();
    const seen: string[] = [];
    bus.subscribe('a', (n) => seen.push(`first:${n}`));
    bus.subscribe('a', (n) => seen.push(`second:${n}`));
    bus.publish('a', 1);
    expect(seen).toEqual(['first:1', 'second:1']);
  });

  it('queues messages published during delivery (breadth-first, deterministic)', () => {
    const bus = new MessageBus<M>();
    const seen: string[] = [];
    bus.subscribe('a', (n) => {
      seen.push(`a${n}`);
      if (n === 1) bus.publish('b', 'x');
    });
    bus.subscribe('a', (n) => seen.push(`a'${n}`));
    bus.subscribe('b', (s) => seen.push(`b${s}`));
    bus.publish('a', 1);
    // the nested 'b' is delivered after every handler of 'a' has run
    expect(seen).toEqual(['a1', "a'1", 'bx']);
    expect(bus.published).toBe(2);
  });

  it('isolates a throwing handler and reports it', () => {
    const errors: string[] = [];
    const bus = new MessageBus<M>((topic, e) => errors.push(`${topic}:${(e as Error).message}`));
    const seen: number[] = [];
    bus.subscribe('a', () => {
      throw new Error('boom');
    });
    bus.subscribe('a', (n) => seen.push(n));
    bus.publish('a', 7);
    bus.publish('a', 8);
    expect(seen).toEqual([7, 8]);
    expect(errors).toEqual(['a:boom', 'a:boom']);
  });

  it('unsubscribe stops delivery', () => {
    const bus = new MessageBus<M>();
    const seen: number[] = [];
    const off = bus.subscribe('a', (n) => seen.push(n));
    bus.publish('a', 1);
    off();
    bus.publish('a', 2);
    expect(seen).toEqual([1]);
  });
});
