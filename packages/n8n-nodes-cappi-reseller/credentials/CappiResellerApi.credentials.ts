import type { IAuthenticateGeneric, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

export class CappiResellerApi implements ICredentialType {
  name = 'cappiResellerApi';

  displayName = 'Cappi Reseller API';

  icon: Icon = { light: 'file:../icons/cappi.svg', dark: 'file:../icons/cappi.dark.svg' };

  documentationUrl =
    'https://github.com/cappi-reseller/cappi-reseller/tree/main/packages/n8n-nodes-cappi-reseller#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'The reseller API key from your Cappi Services account',
    },
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'https://cappiservices.com/api/Reseller',
      required: true,
      description:
        'Where the Reseller API lives. Keep the default for the real service; point it at a sandbox (e.g. http://127.0.0.1:4010) to try workflows without spending money.',
    },
  ];

  // The API takes the key as the `key` query parameter on every operation. n8n adds it here, at the last
  // moment, so node code never handles the key and it never lands in parameters or execution data.
  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      qs: { key: '={{$credentials.apiKey}}' },
    },
  };

  // No `test` here: the nodes test this credential with the read-only API check (testedBy 'cappiResellerApiCheck',
  // nodes/shared/credentialTest.ts), which says what differs from the contract, not just "connection successful".
  // n8n would run a `test` of the credential instead of the nodes' one.
}
