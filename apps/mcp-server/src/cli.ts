// The bin: configuration, then stdio (default) or Streamable HTTP. Only protocol on stdout.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ConfigError, HELP, parseConfig, SERVER_NAME } from './config.js';
import { createLogger, type Logger } from './log.js';
import { scrubOutgoing } from './outgoing.js';
import { createRuntime, type Runtime } from './runtime.js';
import { createServer, VERSION } from './server.js';

function describeLimits(config: ReturnType<typeof parseConfig>): string {
  const { policy } = config;
  if (policy.readOnly) return 'read-only';
  const allow = [...policy.allowServices, ...policy.allowCategories];
  return `max ${policy.maxOrderUsd} USD per order, ${policy.dailyBudgetUsd} USD per day${allow.length > 0 ? `, allow-list: ${allow.join(', ')}` : ''}`;
}

/** --check-api: the doctor's check before serving; a difference the server cannot handle stops the start. */
async function apiPassesCheck(runtime: Runtime, log: Logger): Promise<boolean> {
  const apiKey = runtime.defaultKey;
  if (apiKey === undefined) throw new Error('no API key to check'); // parseConfig guarantees one with --check-api
  const { checkUpstream } = await import('./doctor.js');
  const baseUrl = runtime.sandbox === undefined ? runtime.baseUrl : await runtime.sandbox.url();
  const report = await checkUpstream({ apiKey, baseUrl });
  if (!report.passed) {
    log.info(`refusing to start (--check-api): ${report.verdict}. Run \`${SERVER_NAME} doctor\` for the full report.`);
    return false;
  }
  log.info(`API check passed (--check-api): ${report.verdict}`);
  return true;
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${SERVER_NAME}: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (config.mode === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (config.mode === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (config.mode === 'doctor') {
    const { runDoctor } = await import('./doctor.js');
    process.exitCode = await runDoctor(config, (text) => process.stdout.write(text));
    return;
  }

  const log = createLogger();
  if (config.apiKey !== undefined) log.addSecret(config.apiKey);
  const runtime = await createRuntime(config, log);
  if (config.checkApi && !(await apiPassesCheck(runtime, log))) {
    await runtime.close().catch(() => undefined);
    process.exitCode = 1;
    return;
  }
  const upstream = runtime.sandbox !== undefined ? 'embedded sandbox, started on first use' : 'the Reseller API';
  let closeTransport: () => Promise<void>;

  if (config.http !== undefined) {
    const { serveHttp } = await import('./http.js');
    const handle = await serveHttp(runtime, config.http, log);
    closeTransport = () => handle.close();
    const mode = config.http.stateless ? 'replica mode (--stateless); ' : '';
    log.info(
      `listening on ${handle.url} (${mode}${upstream}; ${describeLimits(config)}; ledger ${runtime.ledger.location})`,
    );
  } else {
    const defaultKey = runtime.defaultKey;
    if (defaultKey === undefined) throw new Error('no API key'); // parseConfig guarantees one for stdio
    const context = await runtime.contextFor(defaultKey);
    const server = createServer(context);
    await server.connect(scrubOutgoing(new StdioServerTransport(), context));
    closeTransport = () => server.close();
    // The client closing our stdin is how a stdio session ends.
    process.stdin.once('end', () => void shutdown());
    log.info(`ready on stdio (${upstream}; ${describeLimits(config)}; ledger ${runtime.ledger.location})`);
  }

  // Every way of stopping first lets the orders in flight be recorded (runtime.close waits, bounded), so an order
  // that was sent is never left unrecorded by a client that hung up or an operator who stopped the server.
  let closing = false;
  async function shutdown(): Promise<void> {
    if (closing) return;
    closing = true;
    await runtime.close().catch((error: unknown) => log.info(`stopping: ${(error as Error).message}`));
    await closeTransport().catch(() => undefined);
    process.exit(0);
  }
  const onSignal = () => {
    if (closing) {
      // A second signal: the operator insists. Rows still 'sending' become 'unknown' at the next start.
      log.info('stopping now, without waiting for the orders in flight');
      process.exit(1);
    }
    void shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  const log = createLogger();
  const key = process.env.CAPPI_API_KEY?.trim();
  if (key) log.addSecret(key);
  log.info(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
