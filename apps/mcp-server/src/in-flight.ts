// Orders this process is placing right now. A process that exits while one is in flight could leave the order
// sent but its outcome unrecorded, so every way of stopping (stdin closed, SIGINT, SIGTERM, the HTTP server's
// close) first stops taking new orders, then waits, bounded, for these to be recorded.

/** How long shutdown waits for orders in flight: longer than one order takes (its request times out at 10 s). */
export const SHUTDOWN_GRACE_MS = 30_000;

export interface InFlightOrders {
  /** Runs `place` as an order in flight; refuses (undefined) once shutdown has begun. */
  run<T>(place: () => Promise<T>): Promise<T> | undefined;
  /** How many are in flight. */
  readonly size: number;
  /** Stops taking new orders and waits until none is in flight or `graceMs` has passed; true when all finished. */
  drain(graceMs?: number): Promise<boolean>;
}

export function createInFlightOrders(): InFlightOrders {
  const running = new Set<Promise<unknown>>();
  let closing = false;
  return {
    run(place) {
      if (closing) return undefined;
      const order = place();
      running.add(order);
      const forget = () => running.delete(order);
      order.then(forget, forget);
      return order;
    },
    get size() {
      return running.size;
    },
    async drain(graceMs = SHUTDOWN_GRACE_MS) {
      closing = true;
      if (running.size === 0) return true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const settled = Promise.allSettled([...running]).then(() => true as const);
      const finished = await Promise.race([settled, timedOut]);
      clearTimeout(timer);
      return finished;
    },
  };
}
