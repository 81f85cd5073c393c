import { parseArgs } from 'node:util';
import { defaultKey } from './state.js';
import type { SandboxOptions } from './types.js';

export const HELP = `cappi-reseller-sandbox: a local simulator of the Cappi Services Reseller API (spends no money).

Usage: cappi-reseller-sandbox [options]

Options:
  --port N          port to listen on (default 4010; 0 = any free port)
  --host HOST       address to listen on (default 127.0.0.1)
  --seed N          same seed = same catalog, key and order outcomes (default 1)
  --services N      number of services in the catalog (default 2400)
  --balance USD     starting balance of the key (default 100)
  --pending-ms N    how long an order stays "pending" (default 3000)
  --delivery-ms N   how long an order stays "in progress" (default 20000)
  --help            show this help
`;

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number >= 0, got "${value}"`);
  return Number(value);
}

/** Turns command-line arguments into sandbox options; undefined when help was asked for. */
export function parseCliArgs(args: string[]): SandboxOptions | undefined {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      services: { type: 'string' },
      balance: { type: 'string' },
      'pending-ms': { type: 'string' },
      'delivery-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const seed = integer(values.seed, 'seed') ?? 1;
  const options: SandboxOptions = {
    port: integer(values.port, 'port') ?? 4010,
    seed,
    orderTiming: {
      pendingMs: integer(values['pending-ms'], 'pending-ms'),
      deliveryMs: integer(values['delivery-ms'], 'delivery-ms'),
    },
  };
  if (values.host !== undefined) options.host = values.host;
  const services = integer(values.services, 'services');
  if (services !== undefined) options.services = services;
  if (values.balance !== undefined) {
    const balance = Number(values.balance);
    if (values.balance.trim() === '' || !Number.isFinite(balance) || balance < 0) {
      throw new Error(`--balance must be a number of USD >= 0, got "${values.balance}"`);
    }
    options.keys = [{ key: defaultKey(seed), balance }];
  }
  return options;
}
