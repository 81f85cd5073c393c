// A program as a user of the published package writes it: strict TypeScript, exactOptionalPropertyTypes, no cast.
// Run by src/packed.test.ts against the sandbox, on each Node.js version the package claims. Between them, the
// files here use every runtime export of the package: `core.<name>` for '@cappi-reseller/core', `domain.<name>`
// for '@cappi-reseller/core/domain' (packed.test.ts checks that none is left out).
//   client.mts        the client against the sandbox, and the API check
//   money-kernel.mts  one order through the money kernel, quotes, spending checks
//   memory-ledger.mts the order ledger it keeps (an OrderLedgerStore of its own)
//   pure-domain.mts   the pure entry on fixed data: parsing, validation, errors, outcomes, redaction
import { runClient } from './client.mjs';
import { runMoneyKernel } from './money-kernel.mjs';
import { runPureDomain } from './pure-domain.mjs';

const apiKey = process.env.CAPPI_API_KEY ?? '';
const baseUrl = process.env.CAPPI_BASE_URL;

const { client, services, result } = await runClient(apiKey, baseUrl);
const money = await runMoneyKernel(client, services, apiKey);
const pure = runPureDomain(apiKey);

process.stdout.write(`${JSON.stringify({ node: process.version, ...result, ...money, pure })}\n`);
