import { describe, expect, test } from 'vitest';
import type { Service } from './catalog.js';
import { call, withSandbox } from './test-utils.js';
import type { Sandbox } from './types.js';

const STEAM_LIKE = 199825; // rate 0.012, min 1, max 100
const STEAM_FAVORITE = 199826; // rate 0.015, min 1, max 100
const link = 'https://steamcommunity.com/sharedfiles/filedetails/?id=1';
const added: Service = {
  service: 999_001,
  category: 'Steam',
  name: 'Steam Award [Max: 10]',
  rate: 0.5,
  min: 2,
  max: 10,
  desc: null,
};

interface Placed {
  success: boolean;
  orderId: number | null;
  error: string | null;
}

async function place(sandbox: Sandbox, serviceId: number, quantity: number): Promise<Placed> {
  return (await call(sandbox, '/RegisterOrder', { serviceId, link, quantity })).json() as Placed;
}

describe('setCatalog', () => {
  test('ServicesList lists the new catalog and RegisterOrder checks and charges against it', async () => {
    await withSandbox({ services: 50 }, async (sandbox) => {
      const before = await place(sandbox, STEAM_FAVORITE, 10);
      expect(before.success).toBe(true);

      const edited = [
        ...sandbox
          .catalog()
          .filter((service) => service.service !== STEAM_FAVORITE)
          .map((service) => (service.service === STEAM_LIKE ? { ...service, rate: 0.02 } : service)),
        added,
      ];
      sandbox.setCatalog(edited);

      expect((await call(sandbox, '/ServicesList')).json()).toEqual(edited);
      expect(sandbox.catalog()).toEqual(edited);

      // The removed service is refused as unknown; the new rate is charged; the new service's limits hold.
      expect(await place(sandbox, STEAM_FAVORITE, 10)).toMatchObject({
        success: false,
        error: `Service ${STEAM_FAVORITE} does not exist.`,
      });
      const balance = sandbox.balanceOf(sandbox.key);
      const liked = await place(sandbox, STEAM_LIKE, 50);
      expect(liked.success).toBe(true);
      expect(sandbox.balanceOf(sandbox.key)).toBeCloseTo(balance - 1, 10); // 0.02 * 50
      expect(await place(sandbox, added.service, 1)).toMatchObject({
        success: false,
        error: `Quantity 1 is below the minimum of 2 for service ${added.service} (allowed: 2 to 10).`,
      });
      const fresh = await place(sandbox, added.service, 4);
      expect(fresh.success).toBe(true);
      const status = await call(sandbox, '/OrderStatus', { orderId: fresh.orderId as number });
      expect(status.json()).toMatchObject({ status: 'pending', charge: 2, mode: 'Custom' });

      // An order placed before the change keeps its service, charge and mode.
      expect(sandbox.orders(sandbox.key).find((o) => o.orderId === before.orderId)).toMatchObject({
        serviceId: STEAM_FAVORITE,
        charge: 0.15,
      });
      const old = await call(sandbox, '/OrderStatus', { orderId: before.orderId as number });
      expect(old.json()).toMatchObject({ charge: 0.15, mode: 'Workshop_Favorite' });
    });
  });

  test('keeps its own copy, and a service kept without a rate keeps its price', async () => {
    await withSandbox({}, async (sandbox) => {
      const hidden = sandbox.catalog().find((service) => service.rate === undefined);
      if (hidden === undefined) throw new Error('the seeded catalog has no service without a rate');
      const first = await place(sandbox, hidden.service, hidden.min);
      expect(first.success).toBe(true);

      const edited = sandbox.catalog().map((service) => ({ ...service }));
      sandbox.setCatalog(edited);
      // Changing what was passed, or what catalog() returned, does not reach the sandbox.
      for (const service of edited) service.max = 0;
      for (const service of sandbox.catalog()) service.max = 0;
      expect(sandbox.catalog().find((service) => service.service === hidden.service)).toEqual(hidden);

      const second = await place(sandbox, hidden.service, hidden.min);
      expect(second.success).toBe(true);
      const charges = sandbox.orders(sandbox.key).map((order) => order.charge);
      expect(charges[1]).toBe(charges[0]);
      expect(charges[0]).toBeGreaterThan(0);
    });
  });

  test('refuses a catalog that breaks the contract, and keeps the one it had', async () => {
    await withSandbox({ services: 20 }, async (sandbox) => {
      const catalog = sandbox.catalog();
      const [first, second] = catalog as [Service, Service];
      const { rate: _rate, ...withoutRate } = added;
      const invalid: [Service[], RegExp][] = [
        [[first, { ...second, service: first.service }], /repeats service 199825/],
        [[{ ...first, min: 5, max: 4 }], /min 5 is above max 4/],
        [[{ ...first, rate: -0.01 }], /not a catalog the API could list: .*body\/0\/rate must be >= 0/],
        [[{ ...first, service: 1.5 }], /body\/0\/service must be integer/],
        [[{ ...first, service: 0 }], /service must be 1 or more/],
        [[{ ...first, name: 7 as unknown as string }], /body\/0\/name must be string/],
        [[first, withoutRate], /the new service 999001 needs a rate/],
      ];
      for (const [services, message] of invalid) expect(() => sandbox.setCatalog(services)).toThrow(message);
      expect(sandbox.catalog()).toEqual(catalog);
      expect((await call(sandbox, '/ServicesList')).json()).toEqual(catalog);
    });
  });
});
