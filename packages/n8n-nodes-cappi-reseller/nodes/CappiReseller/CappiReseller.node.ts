import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { Service } from '../shared/core/domain/types';
import { CREDENTIAL_TEST, testCredential } from '../shared/credentialTest';
import { errorItemJson, toNodeError } from '../shared/errors';
import { getCategories } from './listSearch/getCategories';
import { searchServices } from './listSearch/searchServices';
import { accountDescription, getBalance } from './resources/account';
import { create, getStatus, orderDescription } from './resources/order';
import { get, getMany, serviceDescription } from './resources/service';
import type { ExecutionState, OperationHandler } from './resources/types';
import { createTransport } from './transport';

const HANDLERS: Record<string, Record<string, OperationHandler>> = {
  account: { getBalance },
  service: { get, getMany },
  order: { create, getStatus },
};

export class CappiReseller implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Cappi Reseller',
    name: 'cappiReseller',
    icon: { light: 'file:../../icons/cappi.svg', dark: 'file:../../icons/cappi.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description:
      'Check the balance, search the catalog of social media services, place orders paid from the balance and follow them on the Cappi Services Reseller API',
    defaults: { name: 'Cappi Reseller' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    // Literal names: n8n's lint reads them to see that every node using the credential says what tests it.
    credentials: [{ name: 'cappiResellerApi', required: true, testedBy: 'cappiResellerApiCheck' }],
    properties: [
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'Account', value: 'account', description: 'The prepaid balance' },
          { name: 'Order', value: 'order', description: 'Place an order or follow one' },
          { name: 'Service', value: 'service', description: 'The catalog of services on offer' },
        ],
        default: 'service',
      },
      ...accountDescription,
      ...serviceDescription,
      ...orderDescription,
    ],
  };

  methods = {
    listSearch: { searchServices },
    loadOptions: { getCategories },
    credentialTest: { [CREDENTIAL_TEST]: testCredential },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const resource = this.getNodeParameter('resource', 0) as string;
    const operation = this.getNodeParameter('operation', 0) as string;
    const handler = HANDLERS[resource]?.[operation];
    if (handler === undefined) {
      throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}" of resource "${resource}"`);
    }
    if (resource === 'order' && operation === 'create' && this.getNode().retryOnFail === true) {
      // n8n's Retry On Fail runs the whole node again, every item included: orders already placed would be
      // placed a second time. Refuse before anything is sent.
      throw new NodeOperationError(this.getNode(), 'Retry On Fail must be off for a node that creates orders', {
        description:
          'With Retry On Fail, n8n runs every item again after a failure, so orders already placed would be placed and paid twice: the API cannot recognise a repeated order. Turn off Settings > Retry On Fail for this node. Nothing was sent.',
      });
    }

    const transport = await createTransport(this);
    let catalog: Promise<Service[]> | undefined;
    const state: ExecutionState = {
      transport,
      // Shared by all items: one ServicesList call per execution, even for 1,000 items (a failure is shared too).
      catalog: () => {
        catalog ??= transport.listServices();
        return catalog;
      },
      placed: [],
    };

    const returnData: INodeExecutionData[] = [];
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      try {
        const result = await handler.call(this, itemIndex, state);
        for (const json of Array.isArray(result) ? result : [result]) {
          returnData.push({ json, pairedItem: { item: itemIndex } });
        }
      } catch (error) {
        const continuing = this.continueOnFail();
        const nodeError = toNodeError(this.getNode(), error, {
          itemIndex,
          // The orders placed so far matter when the run stops here; a refused item that the run goes past does not
          // need to repeat them (they are the other items' output).
          placed: continuing ? [] : state.placed,
          secrets: transport.secrets,
        });
        if (continuing) {
          // No `error` property on the item: n8n would replace the JSON with the bare message.
          returnData.push({
            json: errorItemJson(nodeError, error, transport.secrets),
            pairedItem: { item: itemIndex },
          });
          continue;
        }
        throw nodeError;
      }
    }
    return [returnData];
  }
}
