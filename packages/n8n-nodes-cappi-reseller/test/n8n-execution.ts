// Runs the node inside the execution contexts n8n itself runs nodes with (n8n-core's ExecuteContext, and
// SupplyDataContext for an AI Agent's tool call), so getCredentials, getNodeParameter, continueOnFail and
// helpers.httpRequestWithAuthentication are n8n's own: every request leaves through n8n's HTTP stack (its axios
// setup, agents and error wrapping), as in a real n8n. Only the credential store is replaced: the credential comes
// from the test, and the key is added by the rule n8n's CredentialsHelper applies to a generic `authenticate` (each
// entry of the credential's `authenticate.properties`, its expression resolved by the workflow).
// The real n8n (a packed install, n8n's CLI) is driven by e2e/; this is the in-process, per-request-fault version.
import { ExecuteContext, SupplyDataContext } from 'n8n-core';
import {
  createRunExecutionData,
  type ICredentialDataDecryptedObject,
  ICredentialsHelper,
  type IDataObject,
  type IExecuteData,
  type IExecuteFunctions,
  type IHttpRequestOptions,
  type INode,
  type INodeExecutionData,
  type INodeParameters,
  type INodeTypes,
  type IWorkflowExecuteAdditionalData,
  NodeConnectionTypes,
  Workflow,
} from 'n8n-workflow';
import { CappiResellerApi } from '../credentials/CappiResellerApi.credentials';
import { CappiReseller } from '../nodes/CappiReseller/CappiReseller.node';

export const NODE_TYPE = 'n8n-nodes-cappi-reseller.cappiReseller';
/** The type n8n gives the node when it is an AI Agent's tool (convertNodeToAiTool appends "Tool"). */
export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;

export interface SandboxCredential {
  apiKey: string;
  baseUrl: string;
}

export interface NodeSetup {
  credential: SandboxCredential;
  parameters: INodeParameters;
  /** The input items (each one's JSON); one empty item by default. */
  items?: IDataObject[];
  /**
   * How the node runs: as a workflow step (default); as a tool called through a supply-data context (the AI Agent's
   * tools and n8n's Tool Executor); or as a tool the agent's engine runs as a step of its own (an ExecuteContext
   * that does not say it is a tool: only the node's type does).
   */
  runAs?: 'step' | 'tool' | 'engineTool';
  /** The node's type, when a test needs another than the one n8n gives for `runAs`. */
  nodeType?: string;
  onError?: INode['onError'];
  retryOnFail?: boolean;
}

/** n8n's CredentialsHelper, reduced to one stored credential; authenticate() is n8n's generic rule. */
class TestCredentialsHelper extends ICredentialsHelper {
  constructor(private readonly credential: SandboxCredential) {
    super();
  }

  getParentTypes(): string[] {
    return [];
  }

  isCredentialUsableByNode(): boolean {
    return true;
  }

  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    _typeName: string,
    requestOptions: IHttpRequestOptions,
    workflow?: Workflow,
    node?: INode,
  ): Promise<IHttpRequestOptions> {
    if (workflow === undefined || node === undefined) throw new Error('n8n passes the workflow and the node');
    const { properties } = new CappiResellerApi().authenticate;
    const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
    for (const [outerKey, entries] of Object.entries(properties)) {
      for (const [key, value] of Object.entries(entries as Record<string, string>)) {
        options[outerKey] ??= {};
        const resolved = workflow.expression.getSimpleParameterValue(
          node,
          value,
          'internal',
          { $credentials: credentials },
          undefined,
          '',
        );
        (options[outerKey] as Record<string, unknown>)[key] = resolved ? String(resolved) : '';
      }
    }
    return requestOptions;
  }

  async preAuthentication(): Promise<undefined> {
    return undefined; // the credential has no expirable token
  }

  async runPreAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
    return { ...this.credential };
  }

  getCredentials(): never {
    throw new Error('not used by these tests');
  }

  updateCredentials(): never {
    throw new Error('not used by these tests');
  }

  updateCredentialsOauthTokenData(): never {
    throw new Error('not used by these tests');
  }

  getCredentialsProperties() {
    return new CappiResellerApi().properties;
  }
}

/** The context n8n would hand the node's execute(), for one run of one node. */
export function n8nContext(setup: NodeSetup): IExecuteFunctions {
  const nodeType = new CappiReseller();
  const runAs = setup.runAs ?? 'step';
  const node: INode = {
    id: 'cappi-node',
    name: 'Cappi Reseller',
    type: setup.nodeType ?? (runAs === 'step' ? NODE_TYPE : TOOL_NODE_TYPE),
    typeVersion: 1,
    position: [0, 0],
    parameters: setup.parameters,
    credentials: { cappiResellerApi: { id: 'sandbox-credential', name: 'Cappi sandbox' } },
    ...(setup.onError === undefined ? {} : { onError: setup.onError }),
    ...(setup.retryOnFail === undefined ? {} : { retryOnFail: setup.retryOnFail }),
  };
  const nodeTypes: INodeTypes = {
    getByName: () => nodeType,
    getByNameAndVersion: () => nodeType,
    getKnownTypes: () => ({}),
  };
  const workflow = new Workflow({ id: 'test-workflow', nodes: [node], connections: {}, active: false, nodeTypes });
  const additionalData = {
    executionId: 'test-execution',
    credentialsHelper: new TestCredentialsHelper(setup.credential),
    webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
    formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
    variables: {},
    currentNodeExecutionIndex: 0,
  } as unknown as IWorkflowExecuteAdditionalData;
  const items: INodeExecutionData[] = (setup.items ?? [{}]).map((json) => ({ json }));
  const runExecutionData = createRunExecutionData();

  if (runAs === 'tool') {
    const inputData = { [NodeConnectionTypes.AiTool]: [items] };
    const executeData: IExecuteData = { node, data: inputData, source: null };
    return new SupplyDataContext(
      workflow,
      node,
      additionalData,
      'manual',
      runExecutionData,
      0,
      items,
      inputData,
      NodeConnectionTypes.AiTool,
      executeData,
      [],
    ) as unknown as IExecuteFunctions;
  }
  const inputData = { [NodeConnectionTypes.Main]: [items] };
  const executeData: IExecuteData = { node, data: inputData, source: null };
  return new ExecuteContext(
    workflow,
    node,
    additionalData,
    'manual',
    runExecutionData,
    0,
    items,
    inputData,
    executeData,
    [],
  ) as unknown as IExecuteFunctions;
}

/** Runs the node once, as n8n would: its output items, or what it threw. */
export async function runNode(
  setup: NodeSetup,
): Promise<{ items: INodeExecutionData[]; error?: undefined } | { items?: undefined; error: Error }> {
  try {
    const [items = []] = await new CappiReseller().execute.call(n8nContext(setup));
    return { items };
  } catch (error) {
    return { error: error as Error };
  }
}
