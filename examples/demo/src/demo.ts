// The quick-start story: a sandbox, then the core client walks through what a reseller does.
// Spends no money: everything runs against the local sandbox.
import {
  createCatalogCache,
  createResellerClient,
  formatUsd,
  isResellerError,
  quoteOrder,
  searchServices,
  waitForOrder,
} from '@cappi-reseller/core';
import { startSandbox } from '@cappi-reseller/sandbox';

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

const sandbox = await startSandbox({ port: 0, seed: 1, orderTiming: { pendingMs: 800, deliveryMs: 4000 } });
try {
  say(`Sandbox running at ${sandbox.url} (Swagger UI: ${sandbox.url}/docs)`);
  const client = createResellerClient({ apiKey: sandbox.key, baseUrl: sandbox.url });
  const catalog = createCatalogCache(client);

  const start = await client.getBalance();
  say(`\n1. Balance: ${formatUsd(start.balance)}`);

  const services = await catalog.get();
  const matches = searchServices(services, { query: 'steam like', category: 'Steam' });
  say(`\n2. Catalog: ${services.length} services; "steam like" in Steam matches ${matches.length}:`);
  for (const service of matches.slice(0, 3)) {
    say(`   #${service.service} ${service.name}  rate ${service.rate ?? '?'} USD/unit, ${service.min}-${service.max}`);
  }
  const service = matches.find((candidate) => candidate.rate !== undefined);
  if (!service) throw new Error('the sandbox catalog has no priced Steam service');

  const order = {
    serviceId: service.service,
    link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=123456789',
    quantity: Math.min(Math.max(service.min, 50), service.max),
  };
  const quote = quoteOrder(order, service, start);
  say(`\n3. Quote: ${quote.quantity} x "${quote.serviceName}" = ${formatUsd(quote.price)}`);

  const placed = await client.registerOrder(order);
  say(`\n4. Order placed: #${placed.orderId}`);

  say('\n5. Following the order:');
  const final = await waitForOrder(client, placed.orderId, {
    intervalMs: 500,
    maxIntervalMs: 1000,
    onProgress: (status) => say(`   ${status.rawStatus.padEnd(12)} delivered ${status.delivered}/${order.quantity}`),
  });
  say(`   final: ${final.state}, charged ${formatUsd(final.charge)}, refunded ${formatUsd(final.refund)}`);

  const end = await client.getBalance();
  say(`\n6. Balance: ${formatUsd(end.balance)} (was ${formatUsd(start.balance)})`);

  say('\n7. An order the balance cannot cover is refused, and nothing is spent:');
  const expensive = [...services]
    .filter((candidate) => candidate.rate !== undefined)
    .sort((a, b) => (b.rate ?? 0) * b.max - (a.rate ?? 0) * a.max)[0];
  if (!expensive) throw new Error('the sandbox catalog has no priced service');
  const tooBig = { serviceId: expensive.service, link: 'https://example.com/post/1', quantity: expensive.max };
  const tooBigQuote = quoteOrder(tooBig, expensive, end);
  say(
    `   quote: ${tooBig.quantity} x #${tooBig.serviceId} = ${formatUsd(tooBigQuote.price)}, affordable: ${tooBigQuote.affordable}`,
  );
  say('   sending it anyway, to show what the API answers:');
  try {
    await client.registerOrder(tooBig);
    say('   unexpected: the order was accepted');
    process.exitCode = 1;
  } catch (error) {
    if (!isResellerError(error)) throw error;
    say(`   refused (${error.code}): ${error.message}`);
  }
  say(`   balance still ${formatUsd((await client.getBalance()).balance)}`);
} finally {
  await sandbox.stop();
}
