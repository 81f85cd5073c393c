// The workflows the e2e imports into n8n, as n8n stores them. Built here (not kept as JSON files) because
// they name services picked from the sandbox's catalog at run time.

const NODE = 'n8n-nodes-cappi-reseller.cappiReseller';
/** The node as an AI Agent's tool: n8n derives this type from `usableAsTool` (convertNodeToAiTool). */
const TOOL = `${NODE}Tool`;
const TRIGGER = 'n8n-nodes-cappi-reseller.cappiResellerTrigger';
/** n8n's own node for running a tool without an agent: what the editor runs when a tool node is executed alone. */
const TOOL_EXECUTOR = '@n8n/n8n-nodes-langchain.toolExecutor';

export interface CredentialRef {
  id: string;
  name: string;
}

type Parameters = Record<string, unknown>;

interface WorkflowNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Parameters;
  credentials?: Record<string, CredentialRef>;
  onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
  retryOnFail?: boolean;
  webhookId?: string;
}

type ConnectionType = 'main' | 'ai_tool';

export interface Workflow {
  id: string;
  name: string;
  active: boolean;
  nodes: WorkflowNode[];
  connections: Record<
    string,
    Partial<Record<ConnectionType, { node: string; type: ConnectionType; index: number }[][]>>
  >;
  settings: Record<string, unknown>;
}

/** A workflow whose nodes run in a chain (each listed node feeds the next), plus extra connections. */
function workflow(id: string, name: string, chain: WorkflowNode[], extra: Workflow['connections'] = {}): Workflow {
  const connections: Workflow['connections'] = {};
  chain.forEach((node, index) => {
    node.position = [index * 220, 0];
    const next = chain[index + 1];
    if (next !== undefined) connections[node.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
  });
  for (const [from, value] of Object.entries(extra)) connections[from] = value;
  return { id, name, active: false, nodes: chain, connections, settings: { executionOrder: 'v1' } };
}

let nodeCounter = 0;
function node(name: string, type: string, typeVersion: number, parameters: Parameters): WorkflowNode {
  nodeCounter += 1;
  return { id: `node-${nodeCounter}`, name, type, typeVersion, position: [0, 0], parameters };
}

function start(): WorkflowNode {
  return node('Start', 'n8n-nodes-base.manualTrigger', 1, {});
}

function cappi(name: string, credential: CredentialRef, parameters: Parameters): WorkflowNode {
  return { ...node(name, NODE, 1, parameters), credentials: { cappiResellerApi: credential } };
}

/** Turns one item into one item per element of `list` (an n8n expression), via Edit Fields + Split Out. */
function itemsFrom(listExpression: string): WorkflowNode[] {
  return [
    node('Items', 'n8n-nodes-base.set', 3.4, {
      mode: 'raw',
      jsonOutput: `={{ { list: ${listExpression} } }}`,
      options: {},
    }),
    node('Split', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'list', options: {} }),
  ];
}

function serviceById(id: number | string) {
  return { __rl: true, mode: 'id', value: String(id) };
}

export interface OrderInput {
  serviceId: number | string;
  link: string;
  quantity: number | string;
}

/** Order creation fed by items: serviceId, link and quantity come from each item. */
function createFromItems(credential: CredentialRef): WorkflowNode {
  return cappi('Create', credential, {
    resource: 'order',
    operation: 'create',
    serviceId: serviceById('={{ $json.serviceId }}'),
    link: '={{ $json.link }}',
    quantity: '={{ $json.quantity }}',
  });
}

/** Every read operation, in one run: balance, a search, a price filter, one service. */
export function readsWorkflow(
  credential: CredentialRef,
  search: { query: string; category: string; limit: number },
  maxRate: number,
  serviceId: number,
): Workflow {
  const trigger = start();
  const balance = cappi('Balance', credential, { resource: 'account', operation: 'getBalance' });
  const searchNode = cappi('Search', credential, {
    resource: 'service',
    operation: 'getMany',
    returnAll: false,
    limit: search.limit,
    filters: { search: search.query, category: search.category },
  });
  const cheap = cappi('Cheap', credential, {
    resource: 'service',
    operation: 'getMany',
    returnAll: true,
    filters: { maxRate },
  });
  const one = cappi('Get Service', credential, {
    resource: 'service',
    operation: 'get',
    serviceId: serviceById(serviceId),
  });
  const wf = workflow('e2eReads00000001', 'e2e reads', [trigger]);
  wf.nodes.push(balance, searchNode, cheap, one);
  [balance, searchNode, cheap, one].forEach((n, i) => {
    n.position = [220, i * 160];
  });
  wf.connections.Start = {
    main: [[balance, searchNode, cheap, one].map((n) => ({ node: n.name, type: 'main' as const, index: 0 }))],
  };
  return wf;
}

/** Places an order, then waits and reads its status until it is final: the loop a user builds in n8n. */
export function lifecycleWorkflow(credential: CredentialRef, order: OrderInput): Workflow {
  const create = cappi('Create', credential, {
    resource: 'order',
    operation: 'create',
    serviceId: serviceById(order.serviceId),
    link: order.link,
    quantity: order.quantity,
  });
  const wait = {
    ...node('Wait', 'n8n-nodes-base.wait', 1.1, { resume: 'timeInterval', amount: 1, unit: 'seconds' }),
    webhookId: '0f5d3c1e-8a4b-4c2d-9e6f-7a8b9c0d1e2f',
  };
  const status = cappi('Status', credential, {
    resource: 'order',
    operation: 'getStatus',
    orderId: "={{ $('Create').item.json.orderId }}",
  });
  const isFinal = node('Final?', 'n8n-nodes-base.if', 2.2, {
    conditions: {
      options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
      conditions: [
        {
          id: 'is-final',
          leftValue: '={{ $json.isFinal }}',
          rightValue: '',
          operator: { type: 'boolean', operation: 'true', singleValue: true },
        },
      ],
      combinator: 'and',
    },
    options: {},
  });
  const done = node('Done', 'n8n-nodes-base.noOp', 1, {});
  return workflow('e2eLifecycle0001', 'e2e order lifecycle', [start(), create, wait, status, isFinal, done], {
    'Final?': {
      main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: 'Wait', type: 'main', index: 0 }]],
    },
  });
}

/** order.create over several items (given as a JS expression producing the list), optionally Continue On Fail. */
export function ordersWorkflow(
  id: string,
  credential: CredentialRef,
  listExpression: string,
  options: { continueOnFail?: boolean; retryOnFail?: boolean } = {},
): Workflow {
  const create = createFromItems(credential);
  if (options.continueOnFail) create.onError = 'continueRegularOutput';
  if (options.retryOnFail) create.retryOnFail = true;
  return workflow(id, `e2e ${id}`, [start(), ...itemsFrom(listExpression), create]);
}

/** order.getStatus over several items (a JS expression producing a list of `{ orderId }`), optionally Continue On Fail. */
export function statusWorkflow(
  id: string,
  credential: CredentialRef,
  listExpression: string,
  options: { continueOnFail?: boolean } = {},
): Workflow {
  const status = cappi('Status', credential, {
    resource: 'order',
    operation: 'getStatus',
    orderId: '={{ $json.orderId }}',
  });
  if (options.continueOnFail) status.onError = 'continueRegularOutput';
  return workflow(id, `e2e ${id}`, [start(), ...itemsFrom(listExpression), status]);
}

/** account.getBalance, once. */
export function balanceWorkflow(id: string, credential: CredentialRef): Workflow {
  return workflow(id, `e2e ${id}`, [
    start(),
    cappi('Balance', credential, { resource: 'account', operation: 'getBalance' }),
  ]);
}

/** order.create with the Quantity field left as the editor sets it (not in the parameters at all). */
export function defaultQuantityWorkflow(credential: CredentialRef, serviceId: number, link: string): Workflow {
  const create = cappi('Create', credential, {
    resource: 'order',
    operation: 'create',
    serviceId: serviceById(serviceId),
    link,
  });
  return workflow('e2eDefaultQty001', 'e2e default quantity', [start(), create]);
}

/**
 * Order and status fed with numbers as text ("120"), as Google Sheets, forms and webhooks send them: the items'
 * serviceId and quantity are text, and the order id is turned into text before Get Status.
 */
export function textNumbersWorkflow(credential: CredentialRef, listExpression: string): Workflow {
  const status = cappi('Status', credential, {
    resource: 'order',
    operation: 'getStatus',
    orderId: '={{ String($json.orderId) }}',
  });
  return workflow('e2eTextNumbers01', 'e2e numbers as text', [
    start(),
    ...itemsFrom(listExpression),
    createFromItems(credential),
    status,
  ]);
}

/** Order > Create with fixed parameters (one order per input item), optionally Continue On Fail. */
function createOrder(name: string, credential: CredentialRef, order: OrderInput, continueOnFail = false): WorkflowNode {
  const create = cappi(name, credential, {
    resource: 'order',
    operation: 'create',
    serviceId: serviceById(order.serviceId),
    link: order.link,
    quantity: order.quantity,
  });
  if (continueOnFail) create.onError = 'continueRegularOutput';
  return create;
}

/** The same order once per step, each step a node with its own credential and link, all Continue On Fail. */
export function orderPerCredentialWorkflow(
  id: string,
  order: OrderInput,
  steps: { name: string; credential: CredentialRef; link: string }[],
): Workflow {
  const chain = steps.map((step) => createOrder(step.name, step.credential, { ...order, link: step.link }, true));
  return workflow(id, `e2e ${id}`, [start(), ...chain]);
}

/**
 * Create Order as an AI Agent's tool (the node's Tool variant, on the ai_tool input of n8n's Tool Executor), with
 * the given Spending Limits (none: `undefined`).
 */
export function toolWorkflow(
  id: string,
  credential: CredentialRef,
  order: OrderInput,
  limits: Parameters | undefined,
): Workflow {
  const tool: WorkflowNode = {
    ...node('Order Tool', TOOL, 1, {
      resource: 'order',
      operation: 'create',
      serviceId: serviceById(order.serviceId),
      link: order.link,
      quantity: order.quantity,
      ...(limits === undefined ? {} : { limits }),
    }),
    credentials: { cappiResellerApi: credential },
  };
  const executor = node('Run Tool', TOOL_EXECUTOR, 1, { query: '{}', toolName: '', node: '' });
  const wf = workflow(id, `e2e ${id}`, [start(), executor]);
  tool.position = [220, 200];
  wf.nodes.push(tool);
  wf.connections[tool.name] = { ai_tool: [[{ node: executor.name, type: 'ai_tool', index: 0 }]] };
  return wf;
}

/**
 * Three polling triggers (balance below a threshold, an order's status, the catalog), polled every minute once
 * published. One workflow, so that a single `n8n start` drives all three.
 */
export function triggerWorkflow(credential: CredentialRef, threshold: number, orderId: number): Workflow {
  const everyMinute = { item: [{ mode: 'everyMinute' }] };
  const balance = {
    ...node('Low Balance', TRIGGER, 1, { event: 'balanceBelow', threshold, pollTimes: everyMinute }),
    credentials: { cappiResellerApi: credential },
  };
  const status = {
    ...node('Order Status', TRIGGER, 1, {
      event: 'orderStatusChanged',
      orderIds: String(orderId),
      pollTimes: everyMinute,
    }),
    credentials: { cappiResellerApi: credential },
  };
  status.position = [0, 200];
  const catalog = {
    ...node('Catalog', TRIGGER, 1, { event: 'catalogChanged', pollTimes: everyMinute }),
    credentials: { cappiResellerApi: credential },
  };
  catalog.position = [0, 400];
  return {
    id: 'e2eTrigger000001',
    name: 'e2e trigger',
    active: false,
    nodes: [balance, status, catalog],
    connections: {},
    settings: { executionOrder: 'v1' },
  };
}

/**
 * Orders from a webhook call: POST `/webhook/<path>` with `{ "orders": [{ serviceId, link, quantity }, ...] }`, one
 * order per element, Create Order with Continue On Fail (a refused item carries its error, the others go on). The
 * webhook answers when the run ends, with every item of Create Order: what the caller needs to see each outcome.
 */
export function webhookOrdersWorkflow(
  id: string,
  credential: CredentialRef,
  path: string,
  webhookId: string,
): Workflow {
  const webhook: WorkflowNode = {
    ...node('Webhook', 'n8n-nodes-base.webhook', 2, {
      httpMethod: 'POST',
      path,
      responseMode: 'lastNode',
      responseData: 'allEntries',
      options: {},
    }),
    webhookId,
  };
  const split = node('Split', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.orders', options: {} });
  const create = createFromItems(credential);
  create.onError = 'continueRegularOutput';
  return workflow(id, `e2e ${id}`, [webhook, split, create]);
}

/**
 * The catalog trigger, polled at the given seconds of every minute: one custom Poll Time per second, each a
 * 6-field cron with a single fixed second (n8n refuses an expression that fires more than once a minute, but
 * several Poll Times are one workflow's right), so a test sees a poll every few seconds instead of every minute.
 */
export function catalogTriggerWorkflow(id: string, credential: CredentialRef, seconds: number[]): Workflow {
  const pollTimes = { item: seconds.map((second) => ({ mode: 'custom', cronExpression: `${second} * * * * *` })) };
  const catalog = {
    ...node('Catalog', TRIGGER, 1, { event: 'catalogChanged', pollTimes }),
    credentials: { cappiResellerApi: credential },
  };
  return {
    id,
    name: `e2e ${id}`,
    active: false,
    nodes: [catalog],
    connections: {},
    settings: { executionOrder: 'v1' },
  };
}
