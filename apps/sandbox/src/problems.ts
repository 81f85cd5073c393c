import { randomBytes } from 'node:crypto';
import type { components } from './generated/schema.js';

export type ProblemDetails = components['schemas']['ProblemDetails'];

/** The problem types and titles ASP.NET Core sends for each status (ProblemDetailsFactory defaults). */
const DEFAULTS: Record<number, { type: string; title: string }> = {
  400: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1', title: 'One or more validation errors occurred.' },
  401: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2', title: 'Unauthorized' },
  404: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5', title: 'Not Found' },
  405: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.6', title: 'Method Not Allowed' },
  429: { type: 'https://tools.ietf.org/html/rfc6585#section-4', title: 'Too Many Requests' },
  500: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.1', title: 'Internal Server Error' },
  502: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.3', title: 'Bad Gateway' },
  503: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.4', title: 'Service Unavailable' },
  504: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.5', title: 'Gateway Timeout' },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problem(status: number, detail?: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  const defaults = DEFAULTS[status] ?? { type: 'about:blank', title: 'Error' };
  return { ...defaults, status, ...(detail === undefined ? {} : { detail }), traceId: traceId(), ...extra };
}

/**
 * A W3C trace id as ASP.NET Core's ProblemDetailsFactory writes it (Activity.Id: version, trace id, span id,
 * flags), so clients can be tested on quoting it to support.
 */
function traceId(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
}

/** ASP.NET Core's ValidationProblemDetails: messages by parameter name. */
export function validationProblem(errors: Record<string, string[]>): ProblemDetails {
  return problem(400, undefined, { errors });
}
