// Testcontainers for Node: start mockpay's image, wait for /_mockpay/health,
// make a merchant of this test's own and pay with it.
// Run: npm ci && npm test   (MOCKPAY_IMAGE overrides the image name)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GenericContainer, Wait } from 'testcontainers';

let container;
let base;

before(async () => {
  container = await new GenericContainer(process.env.MOCKPAY_IMAGE || 'mockpay:local')
    .withExposedPorts(8470)
    .withWaitStrategy(Wait.forHttp('/_mockpay/health', 8470).forStatusCode(200))
    .withStartupTimeout(30_000)
    .start();
  base = `http://${container.getHost()}:${container.getMappedPort(8470)}`;
});

after(async () => {
  await container?.stop();
});

test('a merchant of its own pays with LiqPay', async () => {
  const res = await fetch(`${base}/_mockpay/merchants`, { method: 'POST', body: '{"liqpay": {}}' });
  assert.equal(res.status, 201);
  const { liqpay: shop } = await res.json();

  const data = Buffer.from(JSON.stringify({
    version: 3, public_key: shop.public_key, action: 'pay', amount: 100, currency: 'UAH',
    description: 'testcontainers', order_id: 'tc-node-1',
    card: '4242424242424242', card_exp_month: '12', card_exp_year: '30', card_cvv: '123',
  })).toString('base64');
  const signature = createHash('sha1').update(shop.private_key + data + shop.private_key).digest('base64');
  const paid = await (await fetch(`${base}/api/request`, { method: 'POST', body: new URLSearchParams({ data, signature }) })).json();
  assert.equal(paid.status, 'success');
  assert.equal(paid.public_key, shop.public_key);
});
