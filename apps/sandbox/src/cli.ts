import { HELP, parseCliArgs } from './cli-args.js';
import { startSandbox } from './server.js';
import type { SandboxOptions } from './types.js';

async function main(): Promise<void> {
  let options: SandboxOptions | undefined;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    process.stdout.write(HELP);
    return;
  }
  const sandbox = await startSandbox(options);
  process.stdout.write(
    [
      `Cappi Reseller sandbox listening on ${sandbox.url}`,
      `API key: ${sandbox.key}`,
      `Docs:    ${sandbox.url}/docs`,
      `Try:     curl "${sandbox.url}/Balance?key=${sandbox.key}"`,
      '',
    ].join('\n'),
  );
  const shutdown = () => {
    sandbox.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: Error) => {
  process.stderr.write(`cappi-reseller-sandbox: ${error.message}\n`);
  process.exitCode = 1;
});
