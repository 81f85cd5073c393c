// A minimal HTTP server that answers RegisterOrder as the API does when an order is placed (a fresh order id each
// time), for nothing: a benchmark of what happens around an order then sees that, not the server's cost.
//   node register-order-stub.mjs      prints "listening on <url>" when ready
import { createServer } from 'node:http';

let orderId = 1_000_000;
const server = createServer((request, response) => {
  request.resume();
  if (request.method !== 'POST' || !request.url.startsWith('/RegisterOrder?')) {
    response.writeHead(404).end();
    return;
  }
  orderId++;
  const body = JSON.stringify({ success: true, orderId, insufficientFunds: false, error: null });
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
