// n8n, issue #5: one workflow of 1,000 `order.create` items (the Cappi Reseller node) against n8n's own HTTP
// Request node making the same 1,000 `RegisterOrder` calls. Goal: at most 1.2x.
//
// One real n8n 2.41.1 (the e2e's cached install), one user folder with the packed package installed as a
// community package, one sandbox on loopback with a generous balance and a random canary key. Both workflows
// are Manual Trigger -> Edit Fields (one item holding the 1,000 orders) -> Split Out (1,000 items) -> the node
// under test, and both use the same `cappiResellerApi` credential (the HTTP Request node as "Predefined
// Credential Type", which adds the key the same way). Every round runs both with `n8n execute`, alternating
// which goes first, and checks what the sandbox saw. The time compared is the execution's own
// (stoppedAt - startedAt as n8n reports it), so n8n's 2-5 s of process start-up does not drown the difference;
// the time of the ordering node alone and the time of the whole `n8n execute` process are printed too.
//
//   pnpm turbo run build --filter=n8n-nodes-cappi-reseller --filter=@cappi-reseller/sandbox
//   node bench/n8n-orders.bench.mjs [--rounds 5] [--items 1000] [--keep] [--expression-engine legacy|vm]
//
// Needs Node 24 (n8n 2.41 does) and, the first time, the npm registry: n8n is installed once into
// ${XDG_CACHE_HOME:-~/.cache}/cappi-reseller/ (about 3 minutes), as by the n8n e2e.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSandbox } from '@cappi-reseller/sandbox';
import { ensureN8n, N8N_VERSION, n8nBin } from '../packages/n8n-nodes-cappi-reseller/e2e/ensure-n8n.mjs';
import { createHome, parseRun, run } from '../packages/n8n-nodes-cappi-reseller/e2e/harness.mts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    items: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
    // n8n 2.41.1 evaluates expressions in an isolated-vm isolate by default ('vm'); 'legacy' is the old in-process one.
    'expression-engine': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const itemCount = Number(values.items);
const GOAL = 1.2;

if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(`n8n ${N8N_VERSION} needs Node >= 24; this is Node ${process.versions.node}\n`);
  process.exit(1);
}

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', 'packages', 'n8n-nodes-cappi-reseller');
// A canary: random, so a leak could not be mistaken for anything else. Never written to a committed file.
const KEY = `canaryBench${randomBytes(12).toString('hex')}`;
const credential = { id: 'benchCredential1', name: 'Cappi sandbox (bench)' };

function progress(message) {
  process.stderr.write(`[n8n-orders] ${message}\n`);
}

const count = (n) => n.toLocaleString('en-US');

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---------------------------------------------------------------------------------------------------------
// The workflows: the same trigger and the same 1,000 items, then one node that places the orders.

function baseWorkflow(id, name, orderNode, itemsExpression) {
  const nodes = [
    { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
    // No Code node (it needs the task runner, off here): Edit Fields builds one item holding the list...
    {
      id: 'items',
      name: 'Items',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      parameters: { mode: 'raw', jsonOutput: `={{ { list: ${itemsExpression} } }}`, options: {} },
    },
    // ...and Split Out makes one item of each element.
    {
      id: 'split',
      name: 'Split',
      type: 'n8n-nodes-base.splitOut',
      typeVersion: 1,
      parameters: { fieldToSplitOut: 'list', options: {} },
    },
    { id: 'order', name: 'Order', ...orderNode, credentials: { cappiResellerApi: credential } },
  ];
  nodes.forEach((node, index) => {
    node.position = [index * 220, 0];
  });
  const connections = {};
  for (let i = 0; i + 1 < nodes.length; i++) {
    connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
  }
  return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

function oursWorkflow(itemsExpression) {
  return baseWorkflow(
    'benchCappiOrders',
    'bench: 1,000 orders with the Cappi Reseller node',
    {
      type: 'n8n-nodes-cappi-reseller.cappiReseller',
      typeVersion: 1,
      parameters: {
        resource: 'order',
        operation: 'create',
        serviceId: { __rl: true, mode: 'id', value: '={{ $json.serviceId }}' },
        link: '={{ $json.link }}',
        quantity: '={{ $json.quantity }}',
      },
    },
    itemsExpression,
  );
}

/** n8n's HTTP Request node as a user would set it up for this API: defaults, the key from the credential. */
function baselineWorkflow(itemsExpression, sandboxUrl) {
  return baseWorkflow(
    'benchHttpOrders1',
    'bench: 1,000 orders with the HTTP Request node',
    {
      type: 'n8n-nodes-base.httpRequest',
      typeVersion: 4.5,
      parameters: {
        method: 'POST',
        url: `${sandboxUrl}/RegisterOrder`,
        authentication: 'predefinedCredentialType',
        nodeCredentialType: 'cappiResellerApi',
        sendQuery: true,
        specifyQuery: 'keypair',
        queryParameters: {
          parameters: [
            { name: 'serviceId', value: '={{ $json.serviceId }}' },
            { name: 'link', value: '={{ $json.link }}' },
            { name: 'quantity', value: '={{ $json.quantity }}' },
          ],
        },
        options: {},
      },
    },
    itemsExpression,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Set-up: sandbox, package, n8n user folder, credential, workflows.

const n8nDir = await ensureN8n();
const root = mkdtempSync(join(tmpdir(), 'cappi-n8n-bench-'));
// Far more than every round can spend, so no order is ever refused for funds.
const sandbox = await startSandbox({ seed: 5, keys: [{ key: KEY, balance: 100_000_000 }] });
let failed = false;

try {
  // 20 priced services, each ordered at its minimum: the 1,000 items cycle through them.
  const services = sandbox
    .catalog()
    .filter((s) => typeof s.rate === 'number')
    .slice(0, 20)
    .map((s) => ({ serviceId: s.service, quantity: s.min }));
  const expected = Array.from({ length: itemCount }, (_, i) => ({
    ...services[i % services.length],
    link: `https://example.com/bench/${i}`,
  }));
  const itemsExpression = `Array.from({ length: ${itemCount} }, (_, i) => ({ ...${JSON.stringify(services).replaceAll('"', "'")}[i % ${services.length}], link: 'https://example.com/bench/' + i }))`;

  progress(`sandbox at ${sandbox.url}; packing the package and setting up an n8n user folder in ${root}`);
  const packed = await run('npm', ['pack', '--pack-destination', root, '--json'], {
    cwd: packageDir,
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const tarball = join(root, JSON.parse(packed.stdout)[0].filename);
  const home = await createHome(root, 'n8n-bench', n8nDir, tarball);
  if (values['expression-engine'] !== undefined) home.env.N8N_EXPRESSION_ENGINE = values['expression-engine'];

  async function n8nCommand(args) {
    const started = process.hrtime.bigint();
    const result = await run(process.execPath, [n8nBin(n8nDir), ...args], { env: home.env, allowFailure: true });
    return { ...result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  // Written outside the user folder and deleted once imported: n8n stores credentials encrypted.
  const credentialsFile = join(root, 'credentials.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify([{ ...credential, type: 'cappiResellerApi', data: { apiKey: KEY, baseUrl: sandbox.url } }]),
  );
  const importedCredentials = await n8nCommand(['import:credentials', `--input=${credentialsFile}`]);
  rmSync(credentialsFile);
  if (importedCredentials.code !== 0) throw new Error(`import:credentials failed:\n${importedCredentials.stderr}`);

  const subjects = [
    { name: 'Cappi order.create', ours: true, workflow: oursWorkflow(itemsExpression) },
    { name: 'HTTP Request (baseline)', ours: false, workflow: baselineWorkflow(itemsExpression, sandbox.url) },
  ];
  const workflowsDir = join(root, 'workflows');
  mkdirSync(workflowsDir);
  for (const { workflow } of subjects) {
    writeFileSync(join(workflowsDir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
  }
  const importedWorkflows = await n8nCommand(['import:workflow', '--separate', `--input=${workflowsDir}`]);
  if (importedWorkflows.code !== 0) throw new Error(`import:workflow failed:\n${importedWorkflows.stderr}`);

  // ---------------------------------------------------------------------------------------------------------
  // One measured run, with its checks.

  async function measure(subject) {
    const before = {
      registerOrder: sandbox.requests('RegisterOrder'),
      servicesList: sandbox.requests('ServicesList'),
      orders: sandbox.orders(KEY).length,
    };
    const result = await n8nCommand(['execute', `--id=${subject.workflow.id}`, '--rawOutput']);
    const output = `${result.stdout}\n${result.stderr}`;
    const problems = [];
    let parsed;
    try {
      parsed = parseRun(output);
    } catch (error) {
      problems.push(String(error));
    }
    if (result.code !== 0) problems.push(`n8n execute exited with ${result.code}`);
    if (parsed !== undefined && parsed.status !== 'success') {
      problems.push(`status ${parsed.status}: ${parsed.data.resultData.error?.message ?? ''}`);
    }
    const registerOrder = sandbox.requests('RegisterOrder') - before.registerOrder;
    const servicesList = sandbox.requests('ServicesList') - before.servicesList;
    const placed = sandbox.orders(KEY).slice(before.orders);
    if (registerOrder !== itemCount) problems.push(`${registerOrder} RegisterOrder requests, not ${itemCount}`);
    const expectedServicesList = subject.ours ? 1 : 0;
    if (servicesList !== expectedServicesList) {
      problems.push(`${servicesList} ServicesList requests, not ${expectedServicesList}`);
    }
    // Exactly the 1,000 orders of the items, each once.
    const wanted = new Map(expected.map((o) => [o.link, o]));
    for (const order of placed) {
      const item = wanted.get(order.link);
      if (item === undefined || item.serviceId !== order.serviceId || item.quantity !== order.quantity) {
        problems.push(`unexpected order ${order.orderId} (${order.serviceId}, ${order.link}, ${order.quantity})`);
        break;
      }
      wanted.delete(order.link);
    }
    if (placed.length !== itemCount || wanted.size !== 0) {
      problems.push(`${placed.length} orders placed, ${wanted.size} of the ${itemCount} items without an order`);
    }
    const items = parsed?.data.resultData.runData.Order?.[0]?.data?.main[0] ?? [];
    const withId = items.filter((item) => typeof item.json.orderId === 'number').length;
    if (withId !== itemCount) problems.push(`${withId} output items with an orderId, not ${itemCount}`);
    if (subject.ours && output.includes(KEY)) problems.push('the API key appears in what n8n printed');

    const executionMs = parsed ? Date.parse(parsed.stoppedAt) - Date.parse(parsed.startedAt) : Number.NaN;
    const nodeMs = parsed?.data.resultData.runData.Order?.[0]?.executionTime ?? Number.NaN;
    return {
      executionMs,
      nodeMs,
      processMs: result.ms,
      problems,
      checks: `${count(registerOrder)} RegisterOrder, ${count(servicesList)} ServicesList, ${count(placed.length)} orders placed`,
    };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Rounds, alternating which subject goes first so that drift (a growing database, a warming disk cache)
  // hits both alike.

  const print = (...lines) => process.stdout.write(`${lines.join('\n')}\n`);
  const ms = (value) => `${Math.round(value).toLocaleString('en-US')} ms`;
  const row = (label, name, m) =>
    `${label.padEnd(8)}${name.padEnd(26)}${ms(m.executionMs).padStart(11)}${ms(m.nodeMs).padStart(12)}` +
    `${ms(m.processMs).padStart(13)}`;
  print(
    `n8n ${N8N_VERSION}, Node ${process.version}: ${count(itemCount)} orders in one execution, ${rounds} rounds ` +
      'alternating which goes first; sandbox on loopback' +
      (values['expression-engine'] === undefined ? '' : `; N8N_EXPRESSION_ENGINE=${values['expression-engine']}`),
    '',
    `${'round'.padEnd(8)}${'subject'.padEnd(26)}${'execution'.padStart(11)}${'order node'.padStart(12)}` +
      `${'n8n process'.padStart(13)}   checks`,
  );
  const times = new Map(subjects.map((s) => [s.name, { executionMs: [], nodeMs: [], processMs: [] }]));
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? subjects : [...subjects].reverse();
    for (const subject of order) {
      progress(`round ${round}/${rounds}: ${subject.name}`);
      const m = await measure(subject);
      print(
        `${row(String(round), subject.name, m)}   ` +
          (m.problems.length === 0 ? `ok: ${m.checks}` : `FAILED: ${m.problems.join('; ')}`),
      );
      if (m.problems.length > 0) failed = true;
      const t = times.get(subject.name);
      t.executionMs.push(m.executionMs);
      t.nodeMs.push(m.nodeMs);
      t.processMs.push(m.processMs);
    }
  }

  const medians = new Map(
    [...times].map(([name, t]) => [
      name,
      { executionMs: median(t.executionMs), nodeMs: median(t.nodeMs), processMs: median(t.processMs) },
    ]),
  );
  print('', ...[...medians].map(([name, m]) => row('median', name, m)));
  const ours = medians.get(subjects[0].name);
  const base = medians.get(subjects[1].name);
  const ratio = (key) => ours[key] / base[key];
  const perOrder = (value) => `${count(Math.round((value / itemCount) * 1000))} µs`;
  print(
    '',
    `ours / baseline (medians): execution ${ratio('executionMs').toFixed(2)}x, order node ${ratio('nodeMs').toFixed(2)}x, ` +
      `n8n process ${ratio('processMs').toFixed(2)}x`,
    `each round, execution ours / baseline: ${times
      .get(subjects[0].name)
      .executionMs.map((value, i) => (value / times.get(subjects[1].name).executionMs[i]).toFixed(2))
      .join(', ')}`,
    `order node time per order: ours ${perOrder(ours.nodeMs)}, baseline ${perOrder(base.nodeMs)}`,
    `goal (execution <= ${GOAL}x the HTTP Request node's): ${ratio('executionMs') <= GOAL ? 'met' : 'NOT met'}`,
  );
  if (failed) print('', 'FAILED: a round did not place exactly the expected orders (see the checks above)');
} finally {
  await sandbox.stop();
  if (values.keep) progress(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
if (failed) process.exit(1);
