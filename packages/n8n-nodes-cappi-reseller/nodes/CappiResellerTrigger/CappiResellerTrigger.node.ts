import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { createTransport } from '../CappiReseller/transport';
import { normalizeOrderStatus } from '../shared/core/domain/status';
import type { NormalizedOrderStatus } from '../shared/core/domain/types';
import { CREDENTIAL_TEST, testCredential } from '../shared/credentialTest';
import { toNodeError } from '../shared/errors';
import {
  type BalanceBaseline,
  type CatalogBaseline,
  checkBalance,
  diffCatalog,
  diffOrderStatuses,
  type OrderBaseline,
  parseOrderIds,
} from './changes';

export class CappiResellerTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Cappi Reseller Trigger',
    name: 'cappiResellerTrigger',
    icon: { light: 'file:../../icons/cappi.svg', dark: 'file:../../icons/cappi.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["event"]}}',
    description:
      'Starts the workflow when an order changes status, the balance falls below a threshold, or the catalog changes',
    defaults: { name: 'Cappi Reseller Trigger' },
    polling: true,
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    // Literal names: n8n's lint reads them to see that every node using the credential says what tests it.
    credentials: [{ name: 'cappiResellerApi', required: true, testedBy: 'cappiResellerApiCheck' }],
    properties: [
      {
        displayName: 'Event',
        name: 'event',
        type: 'options',
        noDataExpression: true,
        options: [
          {
            name: 'Balance Fell Below Threshold',
            value: 'balanceBelow',
            description: 'When the balance drops below the threshold; it fires again only after rising above it',
          },
          {
            name: 'Catalog Changed',
            value: 'catalogChanged',
            description: 'When services are added or removed, or a rate changes: one item per change',
          },
          {
            name: 'Order Status Changed',
            value: 'orderStatusChanged',
            description: 'When one of the given orders moves to another status (pending, in progress, completed...)',
          },
        ],
        default: 'orderStatusChanged',
      },
      {
        displayName: 'Order IDs',
        name: 'orderIds',
        type: 'string',
        required: true,
        default: '',
        placeholder: 'e.g. 12345, 12346',
        description: 'The orders to watch, separated by commas',
        displayOptions: { show: { event: ['orderStatusChanged'] } },
      },
      {
        displayName: 'Threshold',
        name: 'threshold',
        type: 'number',
        required: true,
        default: 10,
        typeOptions: { minValue: 0, numberPrecision: 2 },
        description: 'Fire when the balance (in its currency, usually USD) drops below this amount',
        displayOptions: { show: { event: ['balanceBelow'] } },
      },
      {
        displayName:
          'The first poll only records the current state; later polls fire for what changed since. Each change fires once.',
        name: 'baselineNotice',
        type: 'notice',
        default: '',
      },
    ],
  };

  methods = {
    credentialTest: { [CREDENTIAL_TEST]: testCredential },
  };

  async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
    const event = this.getNodeParameter('event') as string;
    const staticData = this.getWorkflowStaticData('node');
    const transport = await createTransport(this);
    let events: IDataObject[];
    let current: IDataObject[];
    try {
      if (event === 'orderStatusChanged') {
        const ids = parseOrderIds(this.getNodeParameter('orderIds'));
        if (typeof ids === 'string') throw new NodeOperationError(this.getNode(), ids);
        const statuses = new Map<number, NormalizedOrderStatus>();
        for (const orderId of ids) statuses.set(orderId, normalizeOrderStatus(await transport.getOrderStatus(orderId)));
        const result = diffOrderStatuses(staticData.orders as OrderBaseline | undefined, statuses);
        staticData.orders = result.next;
        events = result.events;
        current = [...statuses].map(([orderId, status]) => ({ event, orderId, ...status }));
      } else if (event === 'balanceBelow') {
        const threshold = this.getNodeParameter('threshold') as number;
        const balance = await transport.getBalance();
        const result = checkBalance(staticData.balance as BalanceBaseline | undefined, balance, threshold);
        staticData.balance = { ...result.next };
        events = result.events;
        current = [{ event, ...balance, threshold }];
      } else if (event === 'catalogChanged') {
        const services = await transport.listServices();
        const result = diffCatalog(staticData.catalog as CatalogBaseline | undefined, services);
        staticData.catalog = result.next;
        events = result.events;
        current = [{ event, services: services.length }];
      } else {
        throw new NodeOperationError(this.getNode(), `Unknown event "${event}"`);
      }
    } catch (error) {
      throw toNodeError(this.getNode(), error, { secrets: transport.secrets });
    }

    if (events.length > 0) return [this.helpers.returnJsonArray(events)];
    // "Fetch Test Event" in the editor: show what the trigger reads, marked as a sample, rather than nothing.
    if (this.getMode() === 'manual')
      return [this.helpers.returnJsonArray(current.map((item) => ({ ...item, sample: true })))];
    return null;
  }
}
