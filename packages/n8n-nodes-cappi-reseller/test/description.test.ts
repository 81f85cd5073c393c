import type { INodeProperties } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { CappiResellerApi } from '../credentials/CappiResellerApi.credentials';
import { CappiReseller } from '../nodes/CappiReseller/CappiReseller.node';
import { CappiResellerTrigger } from '../nodes/CappiResellerTrigger/CappiResellerTrigger.node';

const { properties } = new CappiReseller().description;

function optionsOf(name: string, resource?: string): string[] {
  const property = properties.find(
    (p) => p.name === name && (resource === undefined || p.displayOptions?.show?.resource?.includes(resource)),
  ) as INodeProperties | undefined;
  return (property?.options ?? []).map((option) => String((option as { value: unknown }).value));
}

describe('the action node description', () => {
  const expected: Record<string, string[]> = {
    account: ['getBalance'],
    service: ['get', 'getMany'],
    order: ['create', 'getStatus'],
  };

  it('offers the agreed resources and operations', () => {
    expect(optionsOf('resource').sort()).toEqual(Object.keys(expected).sort());
    for (const [resource, operations] of Object.entries(expected)) {
      expect(optionsOf('operation', resource).sort()).toEqual(operations);
    }
  });

  it('shows every parameter for an operation that exists', () => {
    for (const property of properties) {
      const show = property.displayOptions?.show;
      for (const resource of (show?.resource as string[] | undefined) ?? []) {
        expect(Object.keys(expected)).toContain(resource);
        for (const operation of (show?.operation as string[] | undefined) ?? [])
          expect(expected[resource]).toContain(operation);
      }
    }
  });

  it('picks services from a searchable list that exists, or by ID', () => {
    const locators = properties.filter((p) => p.name === 'serviceId');
    expect(locators.map((p) => p.displayOptions?.show?.operation?.[0]).sort()).toEqual(['create', 'get']);
    for (const locator of locators) {
      expect(locator.modes?.map((m) => m.name)).toEqual(['list', 'id']);
      const method = locator.modes?.[0]?.typeOptions?.searchListMethod;
      expect(Object.keys(new CappiReseller().methods.listSearch)).toContain(method);
    }
  });

  it('offers Spending Limits on Create Order: a Max Price, allowed services and categories (from the catalog)', () => {
    const limits = properties.find((p) => p.name === 'limits');
    expect(limits?.type).toBe('collection');
    expect(limits?.displayOptions?.show).toEqual({ resource: ['order'], operation: ['create'] });
    const options = (limits?.options ?? []) as INodeProperties[];
    expect(options.map((o) => [o.name, o.displayName])).toEqual([
      ['allowCategories', 'Allowed Category Names or IDs'],
      ['allowServices', 'Allowed Services'],
      ['maxOrderUsd', 'Max Price per Order (USD)'],
    ]);
    const categories = options.find((o) => o.name === 'allowCategories');
    expect(Object.keys(new CappiReseller().methods.loadOptions)).toContain(categories?.typeOptions?.loadOptionsMethod);
  });

  it('is usable as a tool by an AI agent', () => {
    expect(new CappiReseller().description.usableAsTool).toBe(true);
  });
});

describe('the credential', () => {
  const credential = new CappiResellerApi();

  it('adds the key to the query string and defaults to the real API', () => {
    expect(credential.authenticate.properties.qs).toEqual({ key: '={{$credentials.apiKey}}' });
    expect(credential.properties.find((p) => p.name === 'baseUrl')?.default).toBe(
      'https://cappiservices.com/api/Reseller',
    );
    expect(credential.properties.find((p) => p.name === 'apiKey')?.typeOptions?.password).toBe(true);
  });
});

describe('the trigger description', () => {
  it('polls, and offers the three events', () => {
    const { description } = new CappiResellerTrigger();
    expect(description.polling).toBe(true);
    const events = description.properties
      .find((p) => p.name === 'event')
      ?.options?.map((o) => (o as { value: string }).value);
    expect(events?.sort()).toEqual(['balanceBelow', 'catalogChanged', 'orderStatusChanged']);
  });
});
