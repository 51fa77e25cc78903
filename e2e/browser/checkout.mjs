// Drives LiqPay hosted checkout in Debian's Chromium, as a customer would:
// the shop's cnb_form, the card form, 3-D Secure or OTP, the result page and
// the way back to the shop's result_url. e2e/browser_test.go writes the
// cases (signed forms and what each must end in) into CHECKOUT_SPEC, runs
// this script, then checks the callbacks and result_url posts its receivers
// got. Screenshots go to spec.screenshots.
//
// No browser is ever downloaded: playwright-core drives /usr/bin/chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const spec = JSON.parse(process.env.CHECKOUT_SPEC);
mkdirSync(spec.screenshots, { recursive: true });

const browser = await chromium.launch({
  executablePath: spec.chromium || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let failures = 0;
try {
  for (const c of spec.cases) {
    const context = await browser.newContext({ viewport: { width: 520, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    try {
      await run(page, c);
      console.log(`ok   ${c.name}`);
    } catch (err) {
      failures++;
      console.log(`FAIL ${c.name}: ${err.message}\n     at ${page.url()}`);
      await page.screenshot({ path: join(spec.screenshots, `${c.name}-failed.png`), fullPage: true }).catch(() => {});
    }
    await context.close();
  }
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function shot(page, name) {
  await page.screenshot({ path: join(spec.screenshots, `${name}.png`), fullPage: true });
}

async function run(page, c) {
  // The shop's page: the form every SDK's cnb_form renders.
  await page.setContent(`<form method="POST" action="${spec.base}/api/3/checkout" accept-charset="utf-8">
    <input type="hidden" name="data" value="${c.data}"/>
    <input type="hidden" name="signature" value="${c.signature}"/>
    <button id="shop-pay" type="submit">Pay with LiqPay</button></form>`);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/api/3/checkout/')), page.click('#shop-pay')]);
  const checkoutURL = page.url();
  check((await page.textContent('#order')).trim() === c.order, `order shown: ${await page.textContent('#order')}`);
  check((await page.textContent('#amount')).includes(c.amount), `amount shown: ${await page.textContent('#amount')}`);
  check(await page.isVisible('#test-cards'), 'the test cards are listed');
  await shot(page, `checkout-${c.name}`);

  if (c.cancel) {
    await page.click('#cancel');
  } else {
    await page.fill('#card', c.card);
    await page.fill('#exp', '12/30');
    await page.fill('#cvv', '123');
    await page.click('#pay');
  }
  for (const step of c.steps || []) {
    const [kind, value] = step.split(':');
    if (kind === '3ds') {
      await page.waitForURL(/\/api\/3ds\/request\//);
      check((await page.textContent('#amount')).includes(c.amount), '3-DS page shows the amount');
      await shot(page, `3ds-${c.name}`);
      await page.click(value === 'approve' ? '#approve' : '#decline');
    } else if (kind === 'otp') {
      await page.waitForSelector('#step[data-step="otp_verify"]');
      await shot(page, `otp-${c.name}`);
      await page.fill('#otp', value);
      await page.click('#confirm');
    }
  }

  // The result page, back on the checkout.
  await page.waitForSelector('#result');
  check(page.url() === checkoutURL, `result shown at ${page.url()}, want ${checkoutURL}`);
  const status = await page.getAttribute('#result', 'data-status');
  check(status === c.status, `result status ${status}, want ${c.status}`);
  if (c.errCode) {
    const code = await page.getAttribute('#reason', 'data-err-code');
    check(code === c.errCode, `err_code ${code}, want ${c.errCode}`);
  }
  const html = await page.content();
  check(!c.card || !html.includes(c.card.replaceAll(' ', '')), 'the result page echoes the card number');
  await shot(page, `result-${c.name}`);

  // Back to the shop: the browser posts the signed payment to result_url.
  await Promise.all([page.waitForURL(c.resultURL), page.click('#return')]);
  check((await page.textContent('body')).includes(c.order), 'the shop page names the order');
  await shot(page, `shop-${c.name}`);
}
