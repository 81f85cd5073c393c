import { describe, expect, it } from 'vitest';
import { API_KEY_MAX_LENGTH, API_KEY_SHAPE, apiKeyProblem } from './api-key.js';

describe('apiKeyProblem', () => {
  it.each([
    ['a sandbox key', 'sbx_0123456789abcdef0123456789abcdef'],
    ['32 hex digits', '5f4dcc3b5aa765d61d8327deb882cf99'],
    ['a test key', 'canary-7Hq2xZ9pL4mW8vR3nK6tY1sB'],
    ['base64', 'AbCdEfGh12345678+/=='],
    ['32 letters', 'abcdefghijklmnopqrstuvwxyzABCDEF'],
    ['the shortest: 16 characters', 'abc-0123456789xy'],
    ['the longest: 256 characters', 'a1'.repeat(API_KEY_MAX_LENGTH / 2)],
  ])('accepts %s', (_name, key) => {
    expect(apiKeyProblem(key)).toBeUndefined();
  });

  it.each([
    ['a JSON word', '"type"', 'too short'],
    ['a common string', 'type', 'too short'],
    ['15 characters', 'abc-0123456789x', 'too short'],
    ['a field name', 'structuredContent', 'no digit'],
    ['a space', 'key with 0123456789 space', 'character'],
    ['a quote', 'key"0123456789abcdef', 'character'],
    ['a non-ASCII letter', 'schlüssel-0123456789', 'character'],
    ['a huge header', 'a1'.repeat(API_KEY_MAX_LENGTH), 'too long'],
  ])('refuses %s, without repeating it', (_name, key, reason) => {
    const problem = apiKeyProblem(key) ?? '';
    expect(problem).toContain(reason);
    expect(problem).not.toContain(key);
  });

  it('says how long a key of the wrong length is, and what is allowed in the rest', () => {
    expect(apiKeyProblem('type')).toBe('the API key is too short (4 characters)');
    expect(apiKeyProblem('abc-0123456789x')).toBe('the API key is too short (15 characters)');
    expect(apiKeyProblem(`${'a1'.repeat(API_KEY_MAX_LENGTH / 2)}b`)).toBe('the API key is too long (257 characters)');
    expect(apiKeyProblem('key"0123456789abcdef')).toBe('the API key holds a character no API key has');
    expect(apiKeyProblem('structuredContent')).toBe('the API key has no digit, like a word');
  });

  it('says what is allowed in one sentence, the rules apiKeyProblem applies', () => {
    expect(API_KEY_SHAPE).toBe(
      '16 to 256 characters: letters, digits and - _ . ~ + / =, with at least one digit when shorter than 32',
    );
  });
});
