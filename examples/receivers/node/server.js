// A minimal LiqPay callback endpoint that verifies the signature.
const crypto = require('crypto');
const express = require('express');

const PRIVATE_KEY = process.env.LIQPAY_PRIVATE_KEY || 'sandbox_private_key';
const app = express();
app.use(express.urlencoded({ extended: false })); // LiqPay posts a form, not JSON

app.post('/liqpay/callback', (req, res) => {
  const { data = '', signature = '' } = req.body;
  const expected = crypto.createHash('sha1') // version 7: 'sha3-256'
    .update(PRIVATE_KEY + data + PRIVATE_KEY).digest('base64');
  if (expected.length !== signature.length ||
      !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return res.status(400).send('bad signature');
  }
  const payment = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  // Before trusting the status, check order_id, amount and currency against your order.
  console.log('verified', payment.order_id, payment.status);
  res.sendStatus(200);
});

app.listen(Number(process.env.PORT || 9000), '127.0.0.1');
