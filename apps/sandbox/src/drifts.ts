import type { Drift, Fault } from './faults.js';

// Drifts: the sandbox answering otherwise than the contract says, the ways a real API behind a panel might. Answers
// under a drift are not validated against the contract (breaking it is their point).

/** What the handler of an operation answers, before a fault or drift changes it. */
export interface Answer {
  status: number;
  body: unknown;
}

type BodyDrift = Extract<Drift, { kind: 'rate_missing' | 'rate_as_string' | 'rename_field' | 'error_as_200' }>;

function isBodyDrift(fault: Fault | undefined): fault is BodyDrift {
  return (
    fault?.kind === 'rate_missing' ||
    fault?.kind === 'rate_as_string' ||
    fault?.kind === 'rename_field' ||
    fault?.kind === 'error_as_200'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies `change` to the answer's object, or to each object of its list. */
function eachRecord(body: unknown, change: (record: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(body)) return body.map((entry) => (isRecord(entry) ? change(entry) : entry));
  return isRecord(body) ? change(body) : body;
}

/** The answer as a drift that changes answers (not the operation) makes it; other faults leave it as is. */
export function applyBodyDrift(fault: Fault | undefined, answer: Answer): Answer {
  if (!isBodyDrift(fault)) return answer;
  switch (fault.kind) {
    case 'rate_missing':
      return {
        ...answer,
        body: eachRecord(answer.body, ({ rate: _dropped, ...rest }) => rest),
      };
    case 'rate_as_string':
      return {
        ...answer,
        body: eachRecord(answer.body, (record) =>
          typeof record.rate === 'number' ? { ...record, rate: String(record.rate) } : record,
        ),
      };
    case 'rename_field':
      return {
        ...answer,
        body: eachRecord(answer.body, (record) => {
          if (!(fault.from in record)) return record;
          const renamed: Record<string, unknown> = {};
          for (const [name, value] of Object.entries(record)) renamed[name === fault.from ? fault.to : name] = value;
          return renamed;
        }),
      };
    case 'error_as_200': {
      if (answer.status < 400) return answer;
      const problem = isRecord(answer.body) ? answer.body : {};
      const message = typeof problem.detail === 'string' ? problem.detail : String(problem.title ?? 'Error');
      return { status: 200, body: { error: message } };
    }
  }
}

/** The HTML a web server in front of an API sends when it fails (IIS's wording, which ASP.NET hosts often show). */
export function htmlErrorPage(status: number): string {
  const title = status === 200 ? 'Service Unavailable' : `${status} - Internal server error.`;
  return (
    '<!DOCTYPE html>\n<html><head><title>' +
    title +
    '</title></head><body><div id="header"><h1>Server Error</h1></div><div id="content"><h2>' +
    title +
    '</h2><h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3></div></body></html>\n'
  );
}

/** Where ASP.NET cookie authentication sends a request it will not serve: its login page, with the URL asked for. */
export function loginRedirectLocation(requestUrl: string): string {
  return `/Account/Login?ReturnUrl=${encodeURIComponent(requestUrl)}`;
}

export const LOGIN_REDIRECT_PAGE =
  '<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="/Account/Login">here</a>.</h2></body></html>\n';
