// CommonJS users: require() of the ES module package, unflagged from Node.js 22.12 (the floor it claims).
const { createResellerClient, isResellerError } = require('@cappi-reseller/core');

const client = createResellerClient({ apiKey: process.env.CAPPI_API_KEY ?? '', baseUrl: process.env.CAPPI_BASE_URL });
client.getBalance().then(
  (balance) => {
    const result = { node: process.version, currency: balance.currency, isResellerError: typeof isResellerError };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  },
);
