import { describe, expect, test } from 'vitest';
import { createResponseValidator, loadContract } from './contract.js';

const validate = createResponseValidator(loadContract().document);
const json = 'application/json; charset=utf-8';
const problemJson = 'application/problem+json';

describe('the response validator', () => {
  test('accepts responses that follow the contract', () => {
    expect(
      validate('Balance', {
        status: 200,
        contentType: json,
        retryAfter: undefined,
        body: '{"balance":1,"currency":"USD"}',
      }),
    ).toEqual([]);
    expect(
      validate('RegisterOrder', {
        status: 429,
        contentType: problemJson,
        retryAfter: '3',
        body: '{"title":"Too Many Requests","status":429}',
      }),
    ).toEqual([]);
  });

  test('rejects a body of the wrong shape', () => {
    const problems = validate('Balance', {
      status: 200,
      contentType: json,
      retryAfter: undefined,
      body: '{"balance":"100","currency":"USD"}',
    });
    expect(problems).toEqual(['GET /Balance 200: body/balance must be number']);
    expect(
      validate('OrderStatus', {
        status: 200,
        contentType: json,
        retryAfter: undefined,
        body: '{"status":"completed"}',
      }),
    ).toContain("GET /OrderStatus 200: body must have required property 'charge'");
    expect(
      validate('ServicesList', {
        status: 200,
        contentType: json,
        retryAfter: undefined,
        body: '[{"service":1.5,"category":"Steam","name":"x","min":1,"max":2}]',
      }),
    ).toContain('GET /ServicesList 200: body/0/service must be integer');
  });

  test('rejects a status, a content type or a Retry-After the contract does not allow', () => {
    expect(validate('Balance', { status: 404, contentType: problemJson, retryAfter: undefined, body: '{}' })).toEqual([
      'GET /Balance 404: the contract has no response with status 404',
    ]);
    expect(
      validate('Balance', { status: 401, contentType: json, retryAfter: undefined, body: '{"status":401}' }),
    ).toEqual(['GET /Balance 401: content type "application/json" is not one of application/problem+json']);
    expect(validate('Balance', { status: 503, contentType: problemJson, retryAfter: 'soon', body: '{}' })).toEqual([
      'GET /Balance 503: Retry-After "soon" is not a whole number of seconds',
    ]);
    expect(validate('Balance', { status: 200, contentType: json, retryAfter: undefined, body: '{"bal' })).toEqual([
      'GET /Balance 200: the body is not JSON',
    ]);
  });
});
