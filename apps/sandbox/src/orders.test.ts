import { describe, expect, test } from 'vitest';
import { call, manualClock, withSandbox } from './test-utils.js';

const timing = { pendingMs: 1000, deliveryMs: 10_000 };
// Service 199826: rate 0.015, min 1, max 100.
const order = { serviceId: 199826, link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=2', quantity: 100 };

interface Status {
  status: string;
  charge: number;
  walletReturn: number;
  mode: string;
  success: number;
  failed: number;
  observation: string;
  currency: string;
}

describe('orders progress with the clock', () => {
  test('pending, then in progress with success growing linearly, then completed', async () => {
    const clock = manualClock();
    await withSandbox({ clock: clock.now, orderTiming: timing, partialRate: 0 }, async (sandbox) => {
      const { orderId } = (await call(sandbox, '/RegisterOrder', order)).json() as { orderId: number };
      const status = async () => (await call(sandbox, '/OrderStatus', { orderId })).json() as Status;

      expect(await status()).toEqual({
        status: 'pending',
        charge: 1.5,
        walletReturn: 0,
        mode: 'Workshop_Favorite',
        success: 0,
        failed: 0,
        observation: 'Order received and queued for delivery.',
        currency: 'USD',
      });
      clock.advance(999);
      expect((await status()).status).toBe('pending');
      clock.advance(1); // 1000 ms: delivery starts
      expect(await status()).toMatchObject({ status: 'in progress', success: 0 });
      clock.advance(2500); // a quarter of the delivery time
      expect(await status()).toMatchObject({ status: 'in progress', success: 25, failed: 0 });
      clock.advance(5000); // three quarters
      expect(await status()).toMatchObject({
        status: 'in progress',
        success: 75,
        observation: 'Delivering: 75 of 100 done.',
      });
      clock.advance(2500); // 11 000 ms: done
      expect(await status()).toEqual({
        status: 'completed',
        charge: 1.5,
        walletReturn: 0,
        mode: 'Workshop_Favorite',
        success: 100,
        failed: 0,
        observation: 'Order completed successfully.',
        currency: 'USD',
      });
      expect(sandbox.balanceOf(sandbox.key)).toBe(98.5);
      expect(sandbox.orders()).toMatchObject([{ orderId, status: 'completed', success: 100 }]);
    });
  });

  test('a partial order returns charge * failed / quantity to the balance exactly once', async () => {
    const clock = manualClock();
    await withSandbox({ clock: clock.now, orderTiming: timing, partialRate: 1 }, async (sandbox) => {
      // 37 units at 0.015 = 0.555, charged 0.56 (half up).
      const { orderId } = (await call(sandbox, '/RegisterOrder', { ...order, quantity: 37 })).json() as {
        orderId: number;
      };
      expect(sandbox.balanceOf(sandbox.key)).toBe(99.44);
      const status = async () => (await call(sandbox, '/OrderStatus', { orderId })).json() as Status;

      clock.advance(6000); // half way
      const half = await status();
      expect(half.status).toBe('in progress');
      expect(half.walletReturn).toBe(0);

      clock.advance(5000);
      const final = await status();
      expect(final.status).toBe('partial');
      expect(final.charge).toBe(0.56);
      expect(final.failed).toBeGreaterThan(0);
      expect(final.success + final.failed).toBe(37);
      expect(half.success).toBe(Math.floor((final.success * 5000) / 10_000));
      // charge * failed / quantity in cents, half up.
      expect(final.walletReturn).toBe(Math.round((56 * final.failed) / 37) / 100);
      expect(final.observation).toContain(`${final.failed} of 37 could not be delivered`);

      const expected = Math.round(9944 + final.walletReturn * 100) / 100;
      expect(sandbox.balanceOf(sandbox.key)).toBe(expected);
      // Reading again, later, over HTTP and in-process, credits nothing more.
      clock.advance(60_000);
      await status();
      await status();
      expect((await call(sandbox, '/Balance')).json()).toEqual({ balance: expected, currency: 'USD' });
      expect(sandbox.balanceOf(sandbox.key)).toBe(expected);
      expect(sandbox.orders()).toMatchObject([{ status: 'partial', walletReturn: final.walletReturn }]);
    });
  });

  test('the refund is credited when the order becomes final even if its status is never read', async () => {
    const clock = manualClock();
    await withSandbox({ clock: clock.now, orderTiming: timing, partialRate: 1 }, async (sandbox) => {
      await call(sandbox, '/RegisterOrder', order); // charged 1.50
      clock.advance(11_000);
      const balance = ((await call(sandbox, '/Balance')).json() as { balance: number }).balance;
      expect(balance).toBeGreaterThan(98.5);
      expect(balance).toBeLessThan(100);
    });
  });

  test('an order of one unit is never partial', async () => {
    const clock = manualClock();
    await withSandbox({ clock: clock.now, orderTiming: timing, partialRate: 1 }, async (sandbox) => {
      const { orderId } = (await call(sandbox, '/RegisterOrder', { ...order, quantity: 1 })).json() as {
        orderId: number;
      };
      clock.advance(11_000);
      expect((await call(sandbox, '/OrderStatus', { orderId })).json()).toMatchObject({
        status: 'completed',
        success: 1,
      });
    });
  });

  test('with zero timings an order is final at once', async () => {
    await withSandbox({ orderTiming: { pendingMs: 0, deliveryMs: 0 }, partialRate: 0 }, async (sandbox) => {
      const { orderId } = (await call(sandbox, '/RegisterOrder', order)).json() as { orderId: number };
      expect((await call(sandbox, '/OrderStatus', { orderId })).json()).toMatchObject({ status: 'completed' });
    });
  });

  test('the same seed gives the same order ids and outcomes; partialRate sets the share', async () => {
    async function outcomes(seed: number): Promise<string[]> {
      const clock = manualClock();
      const results: string[] = [];
      await withSandbox(
        { seed, clock: clock.now, orderTiming: timing, keys: [{ key: 'k', balance: 1000 }] },
        async (sandbox) => {
          for (let i = 0; i < 200; i++) await call(sandbox, '/RegisterOrder', { ...order, quantity: 10 });
          clock.advance(11_000);
          for (const placed of sandbox.orders()) results.push(`${placed.orderId}:${placed.status}:${placed.failed}`);
        },
      );
      return results;
    }
    const first = await outcomes(5);
    expect(await outcomes(5)).toEqual(first);
    expect(await outcomes(6)).not.toEqual(first);
    const partial = first.filter((outcome) => outcome.includes(':partial:')).length;
    // Default partialRate 0.2: 40 of 200 expected; a binomial spread of +-4 sigma stays within 17..63.
    expect(partial).toBeGreaterThan(17);
    expect(partial).toBeLessThan(63);
  });
});
