// The package in n8n's queue mode: a main instance (webhooks, the polling trigger) and two workers (`n8n worker`,
// the executions), Redis as the queue and PostgreSQL as n8n's database, the packed package installed in each
// instance's own user folder. Many webhook calls, each ordering from 50 items (valid and invalid mixed), spread
// over both workers: every valid item placed exactly once, every invalid one refused with nothing sent, and the
// catalog trigger, polled by the main instance only, fires once per change while the workers run. The same
// workload then runs on one n8n in regular mode, on the same database, to print the two times side by side.
// See README.md, "Queue mode".
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type Sandbox, type Service, startSandbox } from '@cappi-reseller/sandbox';
import { killAllGroups } from '@cappi-reseller/test-processes';
import { createPostgresDatabase, type TestDatabase } from '@cappi-reseller/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedN8n } from './ensure-n8n.mjs';
import {
  createHome,
  log,
  type N8nHome,
  type N8nProcess,
  type N8nServer,
  n8n,
  run,
  startServer,
  startWorker,
  waitFor,
} from './harness.mts';
import {
  columnsContaining,
  deleteRedisKeys,
  deploymentEnv,
  type ExecutionRow,
  executionCounts,
  executionsOf,
  executionsStartedIn,
  withRedis,
} from './queue.mts';
import { type CredentialRef, catalogTriggerWorkflow, type OrderInput, webhookOrdersWorkflow } from './workflows.mts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = `canaryQ${randomBytes(12).toString('hex')}`;
const KEY_TRIGGER = `canaryT${randomBytes(12).toString('hex')}`;

/** Webhook calls per mode (the issue asks for at least 20), each one execution of ITEMS orders. */
const EXECUTIONS = 20;
const ITEMS = 50;
/** Every INVALID_EVERY-th item (from the third) is one the node must refuse before sending: 10 of 50. */
const INVALID_EVERY = 5;
const WORKERS = 2;
/**
 * Executions each worker runs at once. Below the calls' count, so that no single worker can take every job while
 * the other waits: both must get a share (n8n's default is 10; it warns below 5).
 */
const WORKER_CONCURRENCY = 5;
/** The seconds of each minute at which the trigger polls: every 15 s (see catalogTriggerWorkflow). */
const POLL_SECONDS = [0, 15, 30, 45];
/** A hang-catcher for what n8n does every 15 s: generous, so a busy machine never trips it. */
const POLL_DEADLINE_MS = 90_000;
/** A hang-catcher for one webhook call (its execution of 50 orders takes seconds). */
const CALL_DEADLINE_MS = 4 * 60_000;

const credOrders: CredentialRef = { id: 'e2eQueueCredOrd1', name: 'Cappi sandbox (queue orders)' };
const credTrigger: CredentialRef = { id: 'e2eQueueCredTrg1', name: 'Cappi sandbox (queue trigger)' };
const ORDERS_WORKFLOW = 'e2eQueueOrders01';
const TRIGGER_WORKFLOW = 'e2eQueueCatalog1';
const WEBHOOK_PATH = 'cappi-e2e-queue-orders';

type Mode = 'queue' | 'regular';

interface PlannedItem {
  order: OrderInput;
  /** For an item the node must refuse: words its error must contain (lower case). */
  refusal?: string;
}

interface WorkloadOutcome {
  /** From the first call sent to the last answer received. */
  ms: number;
  /** Per call, the items planned and what the webhook answered (Create Order's items). */
  calls: { planned: PlannedItem[]; status: number; items: Record<string, unknown>[] }[];
  registerOrders: number;
  servicesLists: number;
}

interface QueueOutcome {
  workload: WorkloadOutcome;
  /** Execution ids each worker's log says it ran. */
  perWorker: number[][];
  mainLog: string;
  orderExecutions: ExecutionRow[];
  triggerExecutions: ExecutionRow[];
  /** The items each change must fire, in the order the changes were made. */
  expectedFirings: Record<string, unknown>[][];
  /** Polls the trigger made (ServicesList requests to its sandbox) by the end. */
  polls: number;
  /** Webhook calls still unanswered when the first poll after a change began: the workers were busy. */
  callsInFlightAtPolls: number[];
}

let n8nDir: string;
let root: string;
let database: TestDatabase | undefined;
const prefix = `cappi-e2e-${randomBytes(5).toString('hex')}`;
const encryptionKey = randomBytes(24).toString('hex');
let sandbox: Sandbox;
let triggerSandbox: Sandbox;
let homes: { main: N8nHome; workers: N8nHome[] };
let catalog: Service[];
let queue: QueueOutcome;
/** The regular-mode run, and how many executions the trigger has after it (its polls in regular mode included). */
let regular: WorkloadOutcome & { orderExecutions: ExecutionRow[]; triggerExecutions: number };

/** The valid orders cycle over a few cheap services at their minimum; the invalid ones break one rule each. */
function planWorkload(mode: Mode): PlannedItem[][] {
  const priced = catalog.filter((s): s is Service & { rate: number } => typeof s.rate === 'number');
  const cheapest = [...priced].sort((a, b) => a.rate * a.min - b.rate * b.min).slice(0, 5);
  const withMinimum = priced.find((s) => s.min >= 2) as Service;
  const unknownService = Math.max(...catalog.map((s) => s.service)) + 1000;
  return Array.from({ length: EXECUTIONS }, (_, call) =>
    Array.from({ length: ITEMS }, (_, item): PlannedItem => {
      const link = `https://example.com/e2e/${mode}/${call}/${item}`;
      const service = cheapest[item % cheapest.length] as Service;
      if (item % INVALID_EVERY !== 2) return { order: { serviceId: service.service, link, quantity: service.min } };
      const refused = `${link}/refused`;
      switch ((call + item) % 5) {
        case 0:
          return {
            order: { serviceId: withMinimum.service, link: refused, quantity: withMinimum.min - 1 },
            refusal: `quantity ${withMinimum.min - 1} is below the minimum of ${withMinimum.min} for service ${withMinimum.service}`,
          };
        case 1:
          return {
            order: { serviceId: service.service, link: refused, quantity: service.max + 1 },
            refusal: `quantity ${service.max + 1} is above the maximum of ${service.max} for service ${service.service}`,
          };
        case 2:
          return {
            order: { serviceId: unknownService, link: refused, quantity: 10 },
            refusal: `service ${unknownService} is not in the catalog`,
          };
        case 3:
          return {
            order: { serviceId: service.service, link: refused.replace('https:', 'ftp:'), quantity: service.min },
            refusal: 'is not an http(s) url',
          };
        default:
          return {
            order: { serviceId: service.service, link: refused, quantity: 2.5 },
            refusal: 'quantity must be a whole number of at least 1',
          };
      }
    }),
  );
}

/** Every call at once to the main instance's webhook; resolves when every answer is in. */
async function sendWorkload(url: string, mode: Mode, onAnswer: () => void = () => undefined) {
  const plan = planWorkload(mode);
  const before = { register: sandbox.requests('RegisterOrder'), services: sandbox.requests('ServicesList') };
  const t0 = performance.now();
  const calls = await Promise.all(
    plan.map(async (planned) => {
      const response = await fetch(`${url}/webhook/${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orders: planned.map((item) => item.order) }),
        signal: AbortSignal.timeout(CALL_DEADLINE_MS),
      });
      const text = await response.text();
      onAnswer();
      let items: Record<string, unknown>[] = [];
      try {
        items = JSON.parse(text) as Record<string, unknown>[];
      } catch {
        log(`[${mode}] a webhook call answered HTTP ${response.status} with: ${text.slice(0, 500)}`);
      }
      return { planned, status: response.status, items };
    }),
  );
  const ms = performance.now() - t0;
  log(`[${mode}] ${EXECUTIONS} webhook calls of ${ITEMS} items answered in ${(ms / 1000).toFixed(1)} s`);
  return {
    ms,
    calls,
    registerOrders: sandbox.requests('RegisterOrder') - before.register,
    servicesLists: sandbox.requests('ServicesList') - before.services,
  };
}

/** Starts every process, or none: when one fails to start, those that did are stopped before the error goes on. */
async function startAll(starts: Promise<N8nProcess>[]): Promise<N8nProcess[]> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<N8nProcess>).value);
  await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  throw failed.reason;
}

/**
 * One change of the trigger's catalog, and the one item the catalog trigger must fire for it: the first time a
 * service's rate doubles, the second time a service is added.
 */
function changeTriggerCatalog(step: number): Record<string, unknown>[] {
  const before = triggerSandbox.catalog();
  const priced = before.filter((s): s is Service & { rate: number } => typeof s.rate === 'number');
  const fields = (s: Service) => ({ serviceId: s.service, name: s.name, category: s.category, min: s.min, max: s.max });
  if (step === 1) {
    const repriced = priced[0] as Service & { rate: number };
    const rate = Number((repriced.rate * 2).toFixed(6));
    triggerSandbox.setCatalog(before.map((s) => (s === repriced ? { ...s, rate } : s)));
    log(`trigger: service ${repriced.service} now at ${rate} (was ${repriced.rate})`);
    return [{ event: 'catalogChanged', change: 'rateChanged', previousRate: repriced.rate, rate, ...fields(repriced) }];
  }
  const added: Service & { rate: number } = {
    service: Math.max(...before.map((s) => s.service)) + 1,
    category: (priced[0] as Service).category,
    name: 'e2e queue-mode Added Service [Max: 100]',
    rate: 0.025,
    min: 1,
    max: 100,
    desc: null,
  };
  triggerSandbox.setCatalog([...before, added]);
  log(`trigger: service ${added.service} added`);
  return [{ event: 'catalogChanged', change: 'added', rate: added.rate, ...fields(added) }];
}

const polls = () => triggerSandbox.requests('ServicesList');

function db(): TestDatabase {
  if (database === undefined) throw new Error('the test database was not created');
  return database;
}

/**
 * Queue mode, the workers running: the main instance starts; its poll at activation is the trigger's baseline. Then every
 * webhook call is sent at once, and while the workers run them the catalog changes twice, each change between
 * two polls; two more polls follow with no change (the first of them must fire nothing; the second shows that
 * the first had ended).
 */
async function runQueueMode(workers: N8nProcess[]): Promise<QueueOutcome> {
  let main: N8nServer;
  try {
    main = await startServer(homes.main);
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop()));
    throw error;
  }
  try {
    await waitFor("the trigger's first poll (its baseline)", () => polls() >= 1, POLL_DEADLINE_MS);
    let unanswered = EXECUTIONS;
    const workload = sendWorkload(main.url, 'queue', () => {
      unanswered -= 1;
    });
    workload.catch(() => undefined);
    const expectedFirings: Record<string, unknown>[][] = [];
    const callsInFlightAtPolls: number[] = [];
    for (const step of [1, 2]) {
      const seen = polls();
      expectedFirings.push(changeTriggerCatalog(step));
      await waitFor(`the poll after change ${step}`, () => polls() > seen, POLL_DEADLINE_MS);
      callsInFlightAtPolls.push(unanswered);
      log(`trigger: poll ${polls()} saw change ${step} with ${unanswered} webhook calls still running`);
    }
    const afterChanges = polls();
    await waitFor('two more polls, with no change', () => polls() >= afterChanges + 2, 2 * POLL_DEADLINE_MS);
    const done = await workload;
    await waitFor(
      'the executions to be saved',
      async () => {
        const { saved, unfinished } = await executionCounts(db(), [ORDERS_WORKFLOW, TRIGGER_WORKFLOW]);
        return saved >= EXECUTIONS + expectedFirings.length && unfinished === 0;
      },
      60_000,
    );
    const total = polls();
    await Promise.all([main, ...workers].map((instance) => instance.stop()));
    return {
      workload: done,
      perWorker: workers.map((worker) => executionsStartedIn(worker.output())),
      mainLog: main.output(),
      orderExecutions: await executionsOf(db(), n8nDir, ORDERS_WORKFLOW),
      triggerExecutions: await executionsOf(db(), n8nDir, TRIGGER_WORKFLOW),
      expectedFirings,
      polls: total,
      callsInFlightAtPolls,
    };
  } catch (error) {
    await Promise.all([main, ...workers].map((instance) => instance.stop()));
    throw error;
  }
}

/** Regular mode: one n8n on the same database runs the same workload itself. */
async function runRegularMode(): Promise<typeof regular> {
  const queueExecutions = (await executionCounts(db(), [ORDERS_WORKFLOW])).saved;
  const home = { ...homes.main, env: { ...homes.main.env, EXECUTIONS_MODE: 'regular' } };
  const main = await startServer(home);
  try {
    const workload = await sendWorkload(main.url, 'regular');
    await waitFor(
      'the executions to be saved',
      async () => {
        const { saved, unfinished } = await executionCounts(db(), [ORDERS_WORKFLOW]);
        return saved >= queueExecutions + EXECUTIONS && unfinished === 0;
      },
      60_000,
    );
    await main.stop();
    const triggerExecutions = (await executionCounts(db(), [TRIGGER_WORKFLOW])).saved;
    const all = await executionsOf(db(), n8nDir, ORDERS_WORKFLOW);
    return { ...workload, orderExecutions: all.slice(queueExecutions), triggerExecutions };
  } catch (error) {
    await main.stop();
    throw error;
  }
}

beforeAll(async () => {
  n8nDir = installedN8n();
  // Both services first: without them nothing below can run, and the error says what to start.
  await withRedis(n8nDir, async () => undefined);
  database = await createPostgresDatabase('n8n_queue_e2e');
  root = mkdtempSync(join(tmpdir(), 'cappi-n8n-queue-'));
  log(`working in ${root}; database ${database.name}; Redis prefix ${prefix}`);

  sandbox = await startSandbox({
    seed: 11,
    services: 300,
    keys: [{ key: KEY, balance: 1_000_000 }],
    validateResponses: true,
  });
  triggerSandbox = await startSandbox({
    seed: 12,
    services: 100,
    keys: [{ key: KEY_TRIGGER, balance: 100 }],
    validateResponses: true,
  });
  catalog = sandbox.catalog();

  const packed = await run('npm', ['pack', '--pack-destination', root, '--json'], {
    cwd: packageDir,
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const tarball = join(root, (JSON.parse(packed.stdout) as { filename: string }[])[0]?.filename ?? '');
  // Each instance has its own user folder with the package installed in it, as on separate machines.
  const shared = deploymentEnv(database, { mode: 'queue', prefix, encryptionKey });
  const install = async (name: string) => {
    const home = await createHome(root, name, n8nDir, tarball);
    home.env = { ...home.env, ...shared };
    return home;
  };
  homes = {
    main: await install('queue-main'),
    workers: await Promise.all(Array.from({ length: WORKERS }, (_, i) => install(`queue-worker-${i + 1}`))),
  };

  const credentialsFile = join(root, 'credentials.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify([
      { ...credOrders, type: 'cappiResellerApi', data: { apiKey: KEY, baseUrl: sandbox.url } },
      { ...credTrigger, type: 'cappiResellerApi', data: { apiKey: KEY_TRIGGER, baseUrl: triggerSandbox.url } },
    ]),
  );
  // The first command creates n8n's tables in the new database.
  expect((await n8n(homes.main, ['import:credentials', `--input=${credentialsFile}`])).code).toBe(0);
  rmSync(credentialsFile);
  const workflowsDir = join(root, 'workflows');
  mkdirSync(workflowsDir);
  for (const wf of [
    webhookOrdersWorkflow(ORDERS_WORKFLOW, credOrders, WEBHOOK_PATH, '6a1f0c52-3d7e-4b8a-9c21-5e4f3a2b1c0d'),
    catalogTriggerWorkflow(TRIGGER_WORKFLOW, credTrigger, POLL_SECONDS),
  ]) {
    writeFileSync(join(workflowsDir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
  }
  // The workers need only the database's tables: they start while the workflows are imported and published (the
  // two publish commands at once: on a busy machine each n8n command takes half a minute). The main instance starts
  // once they are published.
  const workers = startAll(homes.workers.map((home) => startWorker(home, WORKER_CONCURRENCY)));
  workers.catch(() => undefined);
  expect((await n8n(homes.main, ['import:workflow', '--separate', `--input=${workflowsDir}`])).code).toBe(0);
  const published = await Promise.all(
    [ORDERS_WORKFLOW, TRIGGER_WORKFLOW].map((id) => n8n(homes.main, ['publish:workflow', `--id=${id}`])),
  );
  expect(published.map((result) => result.code)).toEqual([0, 0]);
  queue = await runQueueMode(await workers);
  regular = await runRegularMode();
  // A hang-catcher only: about 7 minutes were measured at load average 20 to 25 on 2 cores, most of it n8n starting.
}, 15 * 60_000);

afterAll(async () => {
  // Whatever a failure left running (main, workers, an n8n command) goes first.
  await killAllGroups(10_000);
  await sandbox?.stop();
  await triggerSandbox?.stop();
  if (n8nDir !== undefined) await deleteRedisKeys(n8nDir, prefix).catch(() => undefined);
  await database?.drop();
  if (root && process.env.CAPPI_E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
}, 120_000);

/** Checks one mode's workload: each valid item placed once (in the sandbox), each invalid one refused unsent. */
function expectEveryItemOnce(mode: Mode, outcome: WorkloadOutcome): { placed: number; refused: number } {
  let placed = 0;
  let refused = 0;
  const orders = sandbox.orders(KEY).filter((order) => order.link.includes(`/e2e/${mode}/`));
  const ordersByLink = new Map<string, number>();
  for (const order of orders) ordersByLink.set(order.link, (ordersByLink.get(order.link) ?? 0) + 1);
  for (const [call, { planned, status, items }] of outcome.calls.entries()) {
    expect(status, `call ${call}`).toBe(200);
    expect(items, `call ${call}`).toHaveLength(ITEMS);
    planned.forEach((plan, index) => {
      const item = items[index] as Record<string, unknown>;
      const where = `${mode} call ${call}, item ${index}`;
      if (plan.refusal === undefined) {
        expect(item, where).toMatchObject({ link: plan.order.link, serviceId: plan.order.serviceId });
        expect(typeof item.orderId, where).toBe('number');
        expect(ordersByLink.get(plan.order.link), where).toBe(1);
        placed += 1;
      } else {
        expect(Object.keys(item).sort(), where).toEqual(['details', 'error']);
        expect(String(item.error).toLowerCase(), where).toContain(plan.refusal);
        expect(item.details, where).toMatchObject({ code: 'invalid_request' });
        expect(ordersByLink.has(plan.order.link), where).toBe(false);
        refused += 1;
      }
    });
  }
  // Nothing else was placed or even sent: one RegisterOrder per valid item, and one catalog read per execution.
  expect(orders).toHaveLength(placed);
  expect(outcome.registerOrders).toBe(placed);
  expect(outcome.servicesLists).toBe(EXECUTIONS);
  return { placed, refused };
}

describe('n8n-nodes-cappi-reseller in n8n 2.41.1 queue mode: main + 2 workers, Redis, PostgreSQL', () => {
  it('places every valid item exactly once and refuses every invalid one with nothing sent', () => {
    const { placed, refused } = expectEveryItemOnce('queue', queue.workload);
    const links = sandbox.orders(KEY).filter((o) => o.link.includes('/e2e/queue/'));
    const duplicates = links.length - new Set(links.map((o) => o.link)).size;
    log(`queue mode: ${placed} items placed, ${refused} refused before sending, ${duplicates} duplicates`);
    expect(placed).toBe(EXECUTIONS * (ITEMS - ITEMS / INVALID_EVERY));
    expect(refused).toBe(EXECUTIONS * (ITEMS / INVALID_EVERY));
    expect(duplicates).toBe(0);
  });

  it('ran the executions on the workers, each exactly once, spread over both; none on the main instance', () => {
    const ids = queue.orderExecutions.map((e) => e.id);
    expect(ids).toHaveLength(EXECUTIONS);
    for (const execution of queue.orderExecutions) {
      expect(execution).toMatchObject({ mode: 'webhook', status: 'success' });
    }
    const perWorker = queue.perWorker.map((ran) => ran.filter((id) => ids.includes(id)));
    log(`queue mode: executions per worker: ${perWorker.map((ran) => ran.length).join(' and ')} (of ${EXECUTIONS})`);
    for (const ran of perWorker) expect(ran.length).toBeGreaterThan(0);
    expect(perWorker.flat().sort((a, b) => a - b)).toEqual(ids);
    expect(queue.mainLog).not.toMatch(/Worker started execution/);
  });

  it('the catalog trigger, polled by the main instance, fires exactly once per change while the workers run', () => {
    // Baseline, one poll per change, two without a change: at least five, and none fired but the two changes.
    expect(queue.polls).toBeGreaterThanOrEqual(5);
    const firings = queue.triggerExecutions.map((execution) => {
      const [, runs] = Object.entries(execution.data.resultData.runData)[0] ?? [];
      return (runs?.[0]?.data?.main[0] ?? []).map((item) => item.json);
    });
    log(
      `queue mode: ${queue.polls} polls, ${queue.expectedFirings.length} changes, ${firings.length} trigger executions ` +
        `(${firings.map((items) => items.length).join(', ')} item(s)); webhook calls running at those polls: ${queue.callsInFlightAtPolls.join(', ')}`,
    );
    expect(firings).toEqual(queue.expectedFirings);
    for (const execution of queue.triggerExecutions) {
      expect(execution).toMatchObject({ mode: 'trigger', status: 'success' });
    }
    // The main instance polled; a worker ran each firing's execution.
    const ranOnWorkers = queue.perWorker.flat();
    for (const execution of queue.triggerExecutions) expect(ranOnWorkers).toContain(execution.id);
  });

  it('the same workload in regular mode (one n8n, same database): same outcome, no trigger firing again; both times printed', () => {
    expectEveryItemOnce('regular', regular);
    expect(regular.orderExecutions).toHaveLength(EXECUTIONS);
    for (const execution of regular.orderExecutions) {
      expect(execution).toMatchObject({ mode: 'webhook', status: 'success' });
    }
    // The trigger, restarted with the main instance on the same database, took up its baseline from there: its
    // polls in regular mode fired nothing (the catalog did not change again).
    expect(regular.triggerExecutions).toBe(queue.expectedFirings.length);
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    log(
      `${EXECUTIONS} executions x ${ITEMS} items: queue mode (main + ${WORKERS} workers, concurrency ${WORKER_CONCURRENCY} each) ` +
        `${seconds(queue.workload.ms)} s; regular mode (one n8n) ${seconds(regular.ms)} s; ` +
        `queue / regular = ${(queue.workload.ms / regular.ms).toFixed(2)} (same run, same machine)`,
    );
  });

  it('never shows the API keys: not in the webhook answers, the output of any instance, or the database', async () => {
    const texts = [
      JSON.stringify([...queue.workload.calls, ...regular.calls].map((call) => call.items)),
      ...[homes.main, ...homes.workers].flatMap((home) => home.output),
    ];
    for (const key of [KEY, KEY_TRIGGER]) {
      for (const text of texts) expect(text.includes(key)).toBe(false);
      expect(await columnsContaining(db(), key)).toEqual([]);
    }
    // The check can fail: the keys reached the sandboxes, and the database holds the runs.
    expect(sandbox.requests('RegisterOrder')).toBeGreaterThan(0);
    expect(await columnsContaining(db(), 'https://example.com/e2e/queue/0/0')).not.toEqual([]);
  });
});
