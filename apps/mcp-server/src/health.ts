// GET /healthz, for load balancers and orchestrators: 200 when the server is up and its order ledger answers, 503
// when the ledger cannot be reached (then no order could be placed, so traffic should go to another replica).
// It answers before the Host, Origin and bearer-token checks: a load balancer probes by address and often cannot
// send a header. So it says nothing but up or down: no key, no account, no ledger location, no error text.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrderLedgerStore } from '@cappi-reseller/core';
import type { Logger } from './log.js';

export const HEALTH_PATH = '/healthz';
/** A ledger that does not answer within this is as good as down: a probe must not hang. */
export const HEALTH_PING_TIMEOUT_MS = 5_000;

export interface HealthCheck {
  answer(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function createHealthCheck(ledger: OrderLedgerStore, log: Logger): HealthCheck {
  /** Logged when it changes only: a probe every few seconds must not fill the log. */
  let lastProblem: string | undefined;

  async function ledgerProblem(): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${HEALTH_PING_TIMEOUT_MS / 1000} s`), HEALTH_PING_TIMEOUT_MS);
    });
    try {
      return await Promise.race([
        ledger.ping().then(
          () => undefined,
          (error: unknown) => (error as Error).message,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async answer(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', message: `${HEALTH_PATH} answers GET only` }));
        return;
      }
      const problem = await ledgerProblem();
      if (problem !== lastProblem) {
        log.info(problem === undefined ? 'health: the order ledger answers again' : `health: down, ${problem}`);
        lastProblem = problem;
      }
      const status = problem === undefined ? 200 : 503;
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ status: problem === undefined ? 'ok' : 'down' }));
    },
  };
}
