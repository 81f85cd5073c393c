// A minimal HTTP server that answers the four paths with fixed bodies copied once from a sandbox: a server that costs
// next to nothing, so that whatever a client adds per request shows fully in the throughput.
//   node static-server.mjs <sandbox url> <key> <order id>     prints "listening on <url>" when ready
import { createServer } from 'node:http';

const [sandboxUrl, key, orderId] = process.argv.slice(2);
const grab = async (path, init) => {
  const response = await fetch(
    `${sandboxUrl}${path}${path.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}`,
    init,
  );
  return Buffer.from(await response.arrayBuffer());
};
const bodies = {
  '/Balance': await grab('/Balance'),
  '/ServicesList': await grab('/ServicesList'),
  '/OrderStatus': await grab(`/OrderStatus?orderId=${orderId}`),
};
const server = createServer((request, response) => {
  const body = bodies[request.url.split('?')[0]];
  if (body === undefined) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
