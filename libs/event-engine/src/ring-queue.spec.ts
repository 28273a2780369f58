import fc from 'fast-check';
import { RingQueue } from './ring-queue';

describe('RingQueue', () => {
  it('is FIFO across growth and wrap-around', () => {
    const queue = new RingQueue<number>();
    for (let i = 0; i < 10; i++) queue.push(i);
    for (let i = 0; i < 7; i++) expect(queue.shift()).toBe(i);
    for (let i = 10; i < 40; i++) queue.push(i);
    expect(queue.length).toBe(33);
    expect(queue.peek()).toBe(7);
    expect(queue.toArray()).toEqual(Array.from({ length: 33 }, (_, i) => i + 7));
    const out: number[] = [];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
    expect(out).toEqual(Array.from({ length: 33 }, (_, i) => i + 7));
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
  });

  it('behaves like an array used as a queue', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 300 }), (ops) => {
        const queue = new RingQueue<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === null) expect(queue.shift()).toBe(model.shift());
          else {
            queue.push(op);
            model.push(op);
          }
          expect(queue.length).toBe(model.length);
        }
        expect(queue.toArray()).toEqual(model);
      }),
    );
  });

  it('empties on clear and gives back a large backing array once drained', () => {
    const queue = new RingQueue<number>();
    for (let i = 0; i < 10_000; i++) queue.push(i);
    while (queue.length > 0) queue.shift();
    queue.push(1);
    expect(queue.toArray()).toEqual([1]);
    queue.clear();
    expect(queue.length).toBe(0);
    expect(queue.peek()).toBeUndefined();
  });
});
