// Drives mockpay's dashboard (/_mockpay/) in Debian's Chromium, as a person
// giving a demo would: enter the admin token once, watch a payment made
// through the API appear without reloading, open its story, refund it from
// the page and see the refund's callback attempt arrive; a description
// holding markup must show as text. e2e/dashboard_browser_test.go writes the
// spec (signed API requests to send, where screenshots go) into
// DASHBOARD_SPEC, runs this script and checks what the shop received.
//
// No browser is ever downloaded: playwright-core drives /usr/bin/chromium.
import { mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const spec = JSON.parse(process.env.DASHBOARD_SPEC);
mkdirSync(spec.screenshots, { recursive: true });

const browser = await chromium.launch({
  executablePath: spec.chromium || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let failures = 0;
const out = {};
try {
  for (const [name, run] of [['live-story-refund', liveStoryRefund], ['markup-is-text', markupIsText], ['retries', retries], ['scenarios', scenarios], ['journal', journal], ['merchant-token', merchantToken], ['phone', phone]]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The first look, before the token is given, is refused (401) by design.
    // So is a broken scenario file's reload (422), which the page shows.
    // A token made for two merchants learns them from its first list's 400.
    const expected = name === 'merchant-token' ? /status of (401|400)/ : /status of (401|422)/;
    page.on('console', (m) => { if (m.type() === 'error' && !expected.test(m.text())) errors.push(m.text()); });
    try {
      await run(page);
      check(errors.length === 0, `errors on the page: ${errors.join('; ')}`);
      console.log(`ok   ${name}`);
    } catch (err) {
      failures++;
      console.log(`FAIL ${name}: ${err.message}\n     at ${page.url()}`);
      await page.screenshot({ path: join(spec.screenshots, `dashboard-${name}-failed.png`), fullPage: true }).catch(() => {});
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log('RESULT ' + JSON.stringify(out));
process.exit(failures ? 1 : 0);

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function shot(page, name, opts = {}) {
  const path = join(spec.screenshots, `${name}.png`);
  await page.screenshot({ path, ...opts });
  return path;
}

// send posts one of the spec's prepared API requests, as a shop's server
// would (not through the page).
async function send(req) {
  const res = await fetch(spec.base + req.path, { method: 'POST', headers: { 'Content-Type': req.contentType }, body: req.body });
  check(res.ok, `${req.path}: HTTP ${res.status}`);
  return res.text();
}

async function signIn(page, token = spec.token) {
  await page.goto(spec.base + '/_mockpay/');
  // The admin token is asked for once, then kept for the tab.
  await page.waitForSelector('#login:not([hidden])');
  check(await page.isHidden('#app'), 'the app shows before the token is given');
  await page.fill('#login-token', token);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#live.on');
}

function row(order) { return `#payments tbody tr:has(td:text-is("${order}"))`; }

async function liveStoryRefund(page) {
  await signIn(page);
  await page.waitForSelector(row(spec.before[0].order));
  // A marker that a reload would wipe.
  await page.evaluate(() => { window.__stay = 'same page'; });
  await send(spec.live);
  await page.waitForSelector(row(spec.live.order) + '.flash');
  check(await page.evaluate(() => window.__stay) === 'same page', 'the page reloaded to show the payment');
  const providers = await page.$$eval('#payments tbody tr td:nth-child(2)', (tds) => [...new Set(tds.map((td) => td.textContent))].sort());
  check(providers.join(',') === 'liqpay,liquido', `providers listed: ${providers}`);
  // Filters narrow the list without asking the server.
  await page.selectOption('#f-provider', 'liquido');
  check(await page.isHidden(row(spec.live.order)), 'the provider filter kept a LiqPay row');
  await page.selectOption('#f-provider', '');
  await page.fill('#f-text', spec.live.order);
  check((await page.$$('#payments tbody tr')).length === 1, 'the text filter did not narrow to one row');
  await page.fill('#f-text', '');
  await page.locator('#f-text').blur();
  await page.waitForTimeout(2600); // let the highlight fade for the picture
  await shot(page, 'dashboard-list');
  copyFileSync(join(spec.screenshots, 'dashboard-list.png'), spec.docs);
  // The token is kept for the session: a reload asks nothing.
  await page.reload();
  await page.waitForSelector('#live.on');
  check(await page.isHidden('#login'), 'the token was asked for again after a reload');

  // Its story.
  await page.click(row(spec.live.order) + ' a');
  await page.waitForSelector('svg.tl');
  const titles = () => page.$$eval('svg.tl .mark .title', (ts) => ts.map((t) => t.textContent));
  const before = await titles();
  check(before.some((t) => t === 'status → success'), `no success in the story: ${before}`);
  check(before.some((t) => t.startsWith('POST pay → 200')), `no request in the story: ${before}`);
  await page.waitForFunction(() => [...document.querySelectorAll('svg.tl .mark.callback .title')].some((t) => t.textContent.includes('HTTP 200')));
  // Raw bodies a click away.
  await page.click('svg.tl .mark.request');
  const raw = await page.textContent('#raw');
  check(raw.includes('"order_id": "' + spec.live.order + '"'), 'the request body is not shown');
  check(!raw.includes(spec.live.card), 'the card number is shown unmasked');
  await shot(page, 'dashboard-story-before', { fullPage: true });

  const callbacks = () => page.$$eval('svg.tl .mark.callback', (ms) => ms.length);
  const n = await callbacks();
  await page.click('button[data-trigger=refund]');
  await page.waitForFunction((n) => document.querySelectorAll('svg.tl .mark.callback').length > n, n);
  await page.waitForSelector('#story-status:text-is("reversed")');
  const after = await titles();
  check(after.some((t) => t === 'status → reversed'), `no refund in the story: ${after}`);
  const causes = await page.$$eval('svg.tl .mark.status .sub', (ts) => ts.map((t) => t.textContent));
  check(causes[0] === 'caused by POST pay → 200' && causes[1].includes('trigger'), `causes: ${causes}`);
  check((await page.$$('button[data-trigger=chargeback]')).length === 0, 'LiqPay offered a chargeback, which it does not have');
  await shot(page, 'dashboard-story', { fullPage: true });

  // Merchants with their keys and ready curl lines.
  await page.click('.tabs a[data-view=merchants]');
  await page.waitForSelector(`article.merchant[data-merchant="${spec.merchant}"]`);
  out.liqpayRecipe = await page.textContent(`article.merchant[data-merchant="${spec.merchant}"] pre.recipe`);
  out.liquidoRecipe = await page.textContent(`article.merchant[data-merchant="${spec.liquidoMerchant}"] pre.recipe`);
  // The receiver audit catches a receiver that trusts unsigned callbacks.
  await page.fill('#au-merchant', spec.merchant);
  await page.fill('#au-url', spec.auditURL);
  await page.click('#audit-receiver button[type=submit]');
  await page.waitForSelector('#audit-result table tbody tr');
  const failed = await page.$$eval('#audit-result tr.fail', (rs) => rs.map((r) => r.dataset.case));
  check(failed.join(',') === 'missing-signature', `receiver audit failures: ${failed}`);
  await shot(page, 'dashboard-merchants', { fullPage: true });
}

async function markupIsText(page) {
  await signIn(page);
  await send(spec.markup);
  const cell = row(spec.markup.order) + ' td.desc';
  await page.waitForSelector(cell);
  check(await page.textContent(cell) === spec.markup.description, 'the description is not shown as it was sent');
  check(await page.evaluate(() => window.__xss === undefined), 'markup from a description ran');
  check((await page.$$('#payments tbody script, #payments tbody img')).length === 0, 'markup from a description became elements');
  await page.click(row(spec.markup.order) + ' a');
  await page.waitForSelector('svg.tl');
  check((await page.textContent('.facts')).includes(spec.markup.description), 'the story does not show the description as text');
  check(await page.evaluate(() => window.__xss === undefined), 'markup from a description ran in the story');
}

async function phone(page) {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await page.waitForSelector(row(spec.live.order));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `the page is ${overflow}px wider than a phone`);
  await shot(page, 'dashboard-phone');
  await page.click(row(spec.live.order) + ' a');
  await page.waitForSelector('svg.tl');
  await shot(page, 'dashboard-phone-story', { fullPage: true });
}

// A callback its receiver refuses: the story shows the retry ahead, the
// clock's "next due" plays it, and Redeliver sends one more at once.
async function retries(page) {
  await signIn(page);
  await page.click(row(spec.failing) + ' a');
  await page.waitForSelector('svg.tl .mark.ahead');
  // Virtual time follows the wall clock, so earlier retries may have run.
  const ahead = await page.textContent('svg.tl .mark.ahead .title');
  const m = ahead.match(/attempt #(\d+)/);
  check(m && Number(m[1]) >= 2, `the schedule ahead says ${ahead}`);
  // The default policy allows 8 attempts: the rest are drawn too.
  const later = await page.$$eval('svg.tl .mark.later .title', (ts) => ts.map((t) => t.textContent));
  check(later.length === 8 - Number(m[1]) && later[later.length - 1].startsWith('then attempt #8 '), `retries drawn ahead: ${later}`);
  const attempts = () => page.$$eval('svg.tl .mark.callback .title', (ts) => ts.map((t) => t.textContent));
  check((await attempts()).some((t) => t.includes('attempt #1') && t.includes('HTTP 500')), `first attempt: ${await attempts()}`);
  await page.click('button[data-clock=next]');
  await page.waitForFunction((n) => [...document.querySelectorAll('svg.tl .mark.callback .title')].some((t) => t.textContent.includes(`attempt #${n} `)), m[1]);
  await page.click('#callbacks button');
  await page.waitForFunction(() => [...document.querySelectorAll('svg.tl .mark.callback .title')].some((t) => t.textContent.includes('(redelivery)')));
  await page.waitForSelector('svg.tl .mark.ahead');
  await shot(page, 'dashboard-retries', { fullPage: true });
}

// Scenarios as loaded, with file and line; a broken file's problems shown
// at their file:line:column after Reload.
async function scenarios(page) {
  await signIn(page);
  await page.click('.tabs a[data-view=scenarios]');
  const entry = `${spec.scenarioFile}:4`;
  await page.waitForSelector(`ul.scenarios li:has-text("${entry}")`);
  writeFileSync(spec.scenarioFile, spec.scenarioBroken);
  await page.click('#reload');
  await page.waitForSelector('ul.problems li');
  const problems = await page.$$eval('ul.problems li', (lis) => lis.map((li) => li.textContent));
  check(problems.some((p) => p.startsWith(`${spec.scenarioFile}:6:`) && p.includes('teleported')), `problems shown: ${problems}`);
  // Shown with the set it belongs to, which keeps its last good version.
  check(await page.isVisible(`article.scenario-set:has(ul.problems) ul.scenarios li:has-text("${entry}")`), 'the problem is not shown with its set');
  await shot(page, 'dashboard-scenarios', { fullPage: true });
}

// The journal puts requests that matched nothing or failed first.
async function journal(page) {
  await signIn(page);
  const res = await fetch(spec.base + '/v1/payments/no-such-route', { method: 'POST' });
  check(res.status === 404 || res.status === 401, `the unmatched request answered ${res.status}`);
  await page.click('.tabs a[data-view=journal]');
  await page.waitForSelector('#journal tbody tr');
  const first = await page.$$eval('#journal tbody tr', (trs) => trs.map((tr) => [tr.className, tr.textContent]));
  check(first[0][0] === 'problem' && first[0][1].includes('/v1/payments/no-such-route'), `first journal row: ${first[0]}`);
  check(first.some(([cls]) => cls !== 'problem'), 'the journal shows only problems');
  const lastProblem = first.map(([cls]) => cls).lastIndexOf('problem');
  check(first.slice(0, lastProblem + 1).every(([cls]) => cls === 'problem'), 'a problem comes after a fine request');
  await page.click('#journal tbody tr');
  check((await page.textContent('#journal-raw')).includes('no-such-route'), 'the raw request is not shown');
  await shot(page, 'dashboard-journal', { fullPage: true });
}

// A merchant token (made for a LiqPay and a Liquido merchant together) sees
// its two merchants' payments and keys, and nobody else's.
async function merchantToken(page) {
  await signIn(page, spec.merchantToken);
  await page.waitForSelector(row(spec.live.order));
  await page.waitForSelector(row('br-2001'));
  check(await page.$(row(spec.failing)) === null, "another merchant's payment is listed");
  await page.click('.tabs a[data-view=merchants]');
  await page.waitForSelector(`article.merchant[data-merchant="${spec.liquidoMerchant}"]`);
  const shown = await page.$$eval('article.merchant', (as) => as.map((a) => a.dataset.merchant).sort());
  check(shown.join(',') === [spec.merchant, spec.liquidoMerchant].sort().join(','), `merchants shown: ${shown}`);
}
