// A Node test against a running mockpay container (node:test + fetch, no
// dependencies). Run: MOCKPAY_URL=http://127.0.0.1:8470 node --test mockpay.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

const BASE = process.env.MOCKPAY_URL || 'http://127.0.0.1:8470';

// A merchant of this test's own: parallel jobs sharing one container never
// see each other's payments.
async function newMerchant() {
  const res = await fetch(`${BASE}/_mockpay/merchants`, {
    method: 'POST',
    body: JSON.stringify({ liqpay: {}, liquido: {} }),
  });
  assert.equal(res.status, 201);
  return res.json();
}

// LiqPay: data is base64 JSON, signature is base64(sha1(key + data + key)).
async function liqpay(privateKey, params) {
  const data = Buffer.from(JSON.stringify(params)).toString('base64');
  const signature = createHash('sha1').update(privateKey + data + privateKey).digest('base64');
  const res = await fetch(`${BASE}/api/request`, {
    method: 'POST',
    body: new URLSearchParams({ data, signature }),
  });
  assert.equal(res.status, 200);
  return res.json();
}

test('LiqPay: a test card pays, another is declined', async () => {
  const { liqpay: shop } = await newMerchant();
  const pay = (order_id, card) => liqpay(shop.private_key, {
    version: 3, public_key: shop.public_key, action: 'pay', amount: 100, currency: 'UAH',
    description: 'node test', order_id, card, card_exp_month: '12', card_exp_year: '30', card_cvv: '123',
  });
  const ok = await pay('node-1', '4242424242424242');
  assert.equal(ok.status, 'success');
  assert.equal(ok.order_id, 'node-1');
  const declined = await pay('node-2', '4000000000000002');
  assert.equal(declined.status, 'failure');

  const status = await liqpay(shop.private_key, {
    version: 3, public_key: shop.public_key, action: 'status', order_id: 'node-1',
  });
  assert.equal(status.status, 'success');
});

test('Liquido: token, then a card charge', async () => {
  const { liquido: m } = await newMerchant();
  const tok = await fetch(`${BASE}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: m.client_id, client_secret: m.client_secret }),
  });
  assert.equal(tok.status, 200);
  const { access_token } = await tok.json();
  assert.ok(access_token);

  const res = await fetch(`${BASE}/v1/payments/charges/card`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${access_token}`, 'x-api-key': m.api_key, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      idempotencyKey: 'node-charge-1', amount: 5000, currency: 'BRL', country: 'BR',
      paymentMethod: 'CREDIT_CARD', paymentFlow: 'DIRECT',
      payer: { name: 'Maria Silva', email: 'maria@example.com', document: { documentId: '12345678909', type: 'CPF' } },
      card: { cardHolderName: 'Maria Silva', cardNumber: '4242424242424242', expirationMonth: '06', expirationYear: '2029', cvc: '123' },
    }),
  });
  assert.equal(res.status, 200);
  const charge = await res.json();
  assert.equal(charge.transferStatus, 'SETTLED');
});
