import { startSandbox } from '@cappi-reseller/sandbox';
import { createResellerClient } from '@cappi-reseller/core';
const key = 'canary-abcdef0123456789';
const sb = await startSandbox({ keys: [{ key, balance: 1000 }], clock: () => 1_000_000 });
for (const timeoutMs of [1e300, 3e9, 2**31, 2**31 - 1, 1e15]) {
  try {
    const c = createResellerClient({ apiKey: key, baseUrl: sb.url, retries: 0, timeoutMs });
    console.log(timeoutMs, await c.getBalance());
  } catch (e) { console.log(timeoutMs, e.constructor.name, e.message); }
}
sb.faults.inject({ kind: 'status', status: 500 }, { operation: 'Balance' });
try {
  const c = createResellerClient({ apiKey: key, baseUrl: sb.url, retries: 1, retryDelayMs: 3e9, maxRetryDelayMs: 3e9 });
  const t = Date.now();
  console.log(await c.getBalance(), Date.now() - t, 'ms');
} catch (e) { console.log(e.constructor.name, e.message); }
await sb.stop();
