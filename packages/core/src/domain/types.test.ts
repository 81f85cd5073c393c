import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL } from './types.js';

describe('DEFAULT_BASE_URL', () => {
  it("is the contract's production server (real money), over https and with no trailing slash", () => {
    // openapi/reseller.openapi.yaml, servers[0]: a client given no baseUrl sends its key and its orders here.
    expect(DEFAULT_BASE_URL).toBe('https://cappiservices.com/api/Reseller');
  });
});
