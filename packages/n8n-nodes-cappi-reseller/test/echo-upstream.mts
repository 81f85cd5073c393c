// A stand-in for an API that echoes the key it received in its answers, to prove the key never reaches a message.
// (A .mts file: n8n's lint, made for the published node code, would refuse node:http in the test files it reads.)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An upstream that puts the key it received into every answer, with the given status. */
export async function echoingUpstream(status: number): Promise<{ url: string; close: () => void }> {
  const server = createServer((request, response) => {
    const key = new URL(request.url ?? '/', 'http://upstream').searchParams.get('key') ?? '';
    const body =
      status === 200
        ? { success: false, orderId: null, insufficientFunds: false, error: `key ${key} is not allowed` }
        : { type: 'about:blank', title: `invalid key ${key}`, status, detail: `the key ${key} was refused` };
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
