// The money kernel as a developer's program uses it: its own order ledger (memory-ledger.mts), a spending policy,
// one real order placed through createOrderGuard, a process that dies mid-order recovered by recoverInterrupted, a
// quote signed and checked, and the spending functions over what the ledger holds.
import * as core from '@cappi-reseller/core';
import * as domain from '@cappi-reseller/core/domain';
import { createMemoryLedger } from './memory-ledger.mjs';

/** Places one real order through the guard; everything else the guard refuses before sending. */
export async function runMoneyKernel(client: core.ResellerClient, services: readonly domain.Service[], apiKey: string) {
  // The cheapest service whose smallest order costs at least a cent: the limits below are counted in its price.
  const cheapest = services
    .map((service) => ({ service, cents: domain.centsOf(domain.priceOf(service.rate ?? 0, service.min)) }))
    .filter((candidate) => candidate.cents >= 1)
    .sort((a, b) => a.cents - b.cents)[0];
  if (cheapest === undefined) throw new Error('the sandbox has no service that costs a cent');
  const { service, cents } = cheapest;

  const account = await core.accountFingerprint(apiKey);
  const policy: domain.SpendingPolicy = {
    maxOrderUsd: cents / 100,
    dailyBudgetUsd: (3 * cents - 1) / 100, // two orders fit, a third does not
    allowServices: [service.service],
    allowCategories: [],
    duplicateWindowMs: 600_000,
  };
  const ledger = createMemoryLedger();
  const guardOf = (owner: string, attemptOrder: (order: domain.OrderRequest) => Promise<domain.OrderOutcome>) =>
    core.createOrderGuard({
      ledger,
      policy,
      account,
      owner,
      attemptOrder,
      sandbox: true,
      scrub: (text) => domain.redact(text, [apiKey]),
    });
  const guard = guardOf('consumer/live', (order) => client.attemptOrder(order));
  const orderAt = (path: string): core.GuardedOrder => {
    const order = domain.validateOrderInput({
      serviceId: service.service,
      link: `https://example.com/kernel/${path}`,
      quantity: service.min,
    });
    const quote = domain.quoteOrder(order, service);
    const priceCents = domain.centsOf(quote.price);
    return { order, service, priceCents, currency: quote.currency, agreedPriceCents: cents, confirmDuplicate: false };
  };

  const first = orderAt('first');
  const passes = (await guard.check(first)) === undefined;
  const placed = await guard.place(first);
  if (placed.kind !== 'placed') throw new Error(`the guarded order was not placed: ${placed.kind}`);
  const status = await client.getOrderStatus(placed.orderId);
  const charged = await ledger.recordCharge(account, placed.orderId, domain.centsOf(status.charge));
  const placedRow = domain.parseLedgerRow(await ledger.rowOfOrder(account, placed.orderId), ledger.location);
  const duplicate = await guard.place(first);

  // Another process sends an order and ends before its answer comes: its row stays 'sending' until recovered.
  let sent = () => {};
  const sending = new Promise<void>((resolve) => {
    sent = resolve;
  });
  void guardOf('consumer/crashed', () => {
    sent();
    return new Promise<domain.OrderOutcome>(() => {});
  }).place(orderAt('crashed'));
  await sending;
  const recovered = await core.recoverInterrupted(ledger, (row) => row.owner === 'consumer/crashed');
  const interrupted = ledger.rows.find((row) => row.owner === 'consumer/crashed');

  const snapshot = await guard.snapshot(first.order);
  const third = orderAt('third');
  const overBudget = await guard.check(third);
  const thirdPlaced = await guard.place(third);
  const quoteCheck = await guard.checkQuote(service, cents + 1);
  const rose = await guard.check({ ...orderAt('rose'), agreedPriceCents: cents - 1 });

  // The spending functions over the ledger's rows, as a report of the day would read them.
  const now = Date.now();
  const rows = (await ledger.rowsSince(account, domain.ledgerHorizon(policy, now))).map((row) =>
    domain.parseLedgerRow(row, ledger.location),
  );
  const own = domain.snapshotOf(rows, first.order, policy, now);
  const generous = { ...policy, maxOrderUsd: 100, dailyBudgetUsd: 100 };
  const terms = { ...first.order, service, priceCents: cents, confirmDuplicate: false };
  let damaged = 'accepted';
  try {
    domain.parseLedgerRow({ ...placedRow, priceCents: -1 }, ledger.location);
  } catch (error) {
    if (error instanceof domain.LedgerDataError) damaged = error.name;
  }

  // A quote signed under a shared secret: another process with the secret accepts it, nothing else does.
  const secret = 'consumer-quote-secret-0123456789abcdef';
  const signer = core.createQuoteSigner(secret);
  const quoteTerms: core.QuoteTerms = { ...first.order, price: cents / 100, expiresAt: now + 60_000, account };
  const quoteId = await signer.sign(quoteTerms);
  const verified = await core.createQuoteSigner(secret).verify(quoteId, { account });
  const refusedQuotes = [
    await signer.verify(`${quoteId.startsWith('f') ? 'g' : 'f'}${quoteId.slice(1)}`, { account }),
    await signer.verify(quoteId, { account, now: quoteTerms.expiresAt + 1000 }),
    await signer.verify(quoteId, { account: await core.accountFingerprint('another-account-key-0123456789') }),
    await core.createQuoteSigner().verify(quoteId, { account }),
    await signer.verify('not a quote', { account }),
  ];

  return {
    fingerprint: /^[0-9a-f]{12}$/.test(account) && !account.includes(apiKey) && account !== apiKey,
    kernel: {
      passes,
      placed: placed.kind,
      placedRow: placedRow.status,
      charged,
      duplicate: duplicate.kind === 'refused_by_policy' ? duplicate.refusal.kind : duplicate.kind,
      recovered: recovered.length,
      interrupted: interrupted?.status === 'unknown' && interrupted.detail === core.INTERRUPTED_DETAIL,
      spentIsTwoOrders: snapshot.spentTodayCents === Math.max(cents, placedRow.chargedCents ?? 0) + cents,
      budgetLeft:
        domain.dailyBudgetLeftCents(policy, snapshot) ===
        domain.usdToCents(policy.dailyBudgetUsd) - snapshot.spentTodayCents,
      spent: domain.formatCents(snapshot.spentTodayCents).endsWith(' USD'),
      overBudget: overBudget?.kind,
      thirdPlaced: thirdPlaced.kind === 'refused_by_policy' ? thirdPlaced.refusal.kind : thirdPlaced.kind,
      overCap: quoteCheck.refusal?.kind,
      rose: rose?.kind,
      sameSnapshot:
        own.spentTodayCents === snapshot.spentTodayCents &&
        rows.reduce((sum, row) => sum + domain.countedCents(row), 0) === snapshot.spentTodayCents,
      recentIdentical: own.recentIdentical?.orderId === placed.orderId,
      statuses: rows.map((row) => row.status),
      counting: domain.LEDGER_STATUSES.filter(domain.mayExist),
      horizon: domain.ledgerHorizon(policy, now) <= domain.utcDayOf(now).start,
      limits: [
        domain.checkOrderLimits(policy, service, cents + 1)?.kind,
        domain.isServiceAllowed(policy, { service: service.service + 1, category: 'Elsewhere' }),
        domain.checkSpendingLimits(policy, service, cents, snapshot)?.kind,
        domain.checkOrder(generous, terms, own, now)?.kind,
        domain.checkOrder(generous, { ...terms, confirmDuplicate: true }, own, now) === undefined,
        domain.checkPriceAgainstQuote(cents, cents + 1)?.kind,
      ],
      damaged,
    },
    quote: {
      accepted: verified.ok && verified.terms.price === quoteTerms.price && verified.terms.link === first.order.link,
      refused: refusedQuotes.map((check) => (check.ok ? 'accepted' : check.reason)),
    },
  };
}
