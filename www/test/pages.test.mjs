// The wallet and the checkout in real Chromium (Debian's, driven by playwright-core) against
// the demo site in workerd on 127.0.0.1. Every request Chromium makes is recorded; the last
// test checks they all went to the site. Screenshots go to test-artefacts/www/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Holder, newNonce, Scorer } from '../../pkg/dist/edgescore.mjs';
import { cli, ROOT } from '../../pkg/test/helpers.mjs';
import { launchChromium } from '../../pkg/test/runtimes.mjs';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from '../../pkg/dist/demo.js';
import { AUDIENCE, getNonce, postGate, startDemo } from './helpers.mjs';

const ARTEFACTS = join(ROOT, 'test-artefacts/www');
const PHONE = { width: 390, height: 844 };
const TIMEOUT = 20_000;

let demo;
let browser;
const requests = [];
// Every body the pages posted to /rentals/gate, as sent.
const gateBodies = [];

// One browser on one address (the demo socket reports every client as 127.0.0.1) checks out
// dozens of times a minute here: the gate's per-client limits are raised for these tests (they
// are the subject of limits.test.mjs).
const ONE_BUSY_BROWSER = {
  EDGESCORE_NONCE_RATE_PER_MINUTE: '6000', EDGESCORE_NONCE_BURST: '1000', EDGESCORE_GATE_RATE_PER_MINUTE: '6000',
  EDGESCORE_GATE_BURST: '1000', EDGESCORE_NONCE_QUOTA: '1000',
};

before(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  demo = await startDemo({ env: ONE_BUSY_BROWSER });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A fresh browser context (own storage) and page; console errors and every request recorded. */
async function open(path, viewport, site = demo) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(TIMEOUT);
  context.on('request', (request) => {
    requests.push([site.url, request.url()]);
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/rentals/gate') gateBodies.push(JSON.parse(request.postData()));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  await page.goto(site.url + path);
  await page.locator('body[data-ready="true"]').waitFor();
  return { page, errors, close: () => context.close() };
}

/** What the package in Node makes of a person's snapshot, with full disclosure. */
function expectedResult(id) {
  const person = demo.people[id];
  const scorer = new Scorer({ jwks: DEMO_JWKS, model: person.model === 'seller' ? DEMO_SELLER_MODEL : DEMO_CONSUMER_MODEL, audience: 'urn:test' });
  scorer.addStatusList(readFileSync(join(demo.dir, 'current/status-list.jwt'), 'utf8').trim());
  const nonce = newNonce();
  const presentation = Holder.fromPrivateJwk(person.holder).presentAll(person.snapshot, { nonce, aud: 'urn:test' });
  return { result: scorer.score(presentation, { nonce, disclose: 'full' }), info: scorer.modelInfo() };
}

/** The names a presentation discloses, in order. */
const disclosedNames = (presentation) => presentation.split('~').slice(1, -1)
  .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString())[1]);

async function walletShows(page) {
  return page.evaluate(() => ({
    score: document.querySelector('#score').textContent,
    band: document.querySelector('#band').textContent,
    expiry: document.querySelector('#expiry').textContent,
    dimensions: [...document.querySelectorAll('#dimensions li')].map((li) => [
      li.dataset.dimension, li.querySelector('.label').textContent, li.querySelector('.value').textContent,
    ]),
    reasons: [...document.querySelectorAll('#reasons li')].map((li) => li.querySelector('.text')?.textContent ?? li.textContent),
    about: document.querySelector('#person-about').textContent,
    characteristics: document.querySelectorAll('#characteristics li').length,
    headings: [...document.querySelectorAll('h2')].map((h) => h.textContent),
    lang: document.documentElement.lang,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
}

describe('wallet', () => {
  test('score, band, five dimensions and reasons in English and 简体中文, on a 390×844 screen', async () => {
    const { page, errors, close } = await open('/wallet/?person=lin', PHONE);
    const { result, info } = expectedResult('lin');
    const english = await walletShows(page);
    assert.equal(english.score, String(result.score));
    assert.equal(english.band, result.band_label.en);
    assert.equal(english.band, 'Excellent');
    assert.deepEqual(english.dimensions, info.dimensions.map((d) => [d.id, d.label.en, String(result.dimensions[d.id])]));
    // The result ranks codes as PMML does, zero totals included; the wallet shows those that
    // lowered the score.
    const lowered = result.reasons.filter((reason) => reason.points > 0);
    assert.deepEqual(english.reasons, lowered.map((reason) => reason.text.en));
    assert.ok(english.reasons.length > 0);
    assert.equal(english.characteristics, info.characteristics.length);
    assert.match(english.expiry, /^Snapshot valid until .*\b20\d\d\b.* \(30 days left\)$/);
    assert.equal(english.lang, 'en');
    assert.equal(english.overflow, 0, 'no horizontal scrolling at 390 px');
    await page.screenshot({ path: join(ARTEFACTS, 'wallet-en.png'), fullPage: true });

    await page.getByRole('button', { name: '简体中文' }).click();
    const chinese = await walletShows(page);
    assert.equal(chinese.lang, 'zh-CN');
    assert.equal(chinese.score, english.score);
    assert.equal(chinese.band, result.band_label.zh);
    assert.equal(chinese.band, '极好');
    assert.deepEqual(chinese.dimensions, info.dimensions.map((d) => [d.id, d.label.zh, String(result.dimensions[d.id])]));
    assert.deepEqual(chinese.reasons, lowered.map((reason) => reason.text.zh));
    assert.match(chinese.expiry, /^快照有效期至 .*（剩余 30 天）$/);
    assert.deepEqual(chinese.headings, ['商家请求查看您的信用', '评分', '五个维度', '拉低评分的主要原因', '出示给商家']);
    assert.equal(chinese.overflow, 0);
    assert.equal(english.about, demo.people.lin.about);
    assert.match(chinese.about, /^[^A-Za-z]+$/, 'the person\'s description is in Chinese too');
    await page.screenshot({ path: join(ARTEFACTS, 'wallet-zh.png'), fullPage: true });
    await page.locator('#how summary').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTEFACTS, 'wallet-zh-how-scored.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await close();
  });

  test('switching people: every band and the seller scorecard', async () => {
    const { page, errors, close } = await open('/wallet/', PHONE);
    for (const id of ['lin', 'chen', 'wang', 'zhao', 'liu', 'mei']) {
      await page.locator('#person').selectOption(id);
      const { result, info } = expectedResult(id);
      await page.locator(`#band[data-band="${result.band}"]`).waitFor();
      const shown = await walletShows(page);
      assert.equal(shown.score, String(result.score), id);
      assert.equal(shown.band, result.band_label.en, id);
      assert.equal(shown.characteristics, info.characteristics.length, id);
      assert.equal(shown.overflow, 0, id);
      assert.match(await page.locator('#model').textContent(), new RegExp(info.id));
    }
    await page.screenshot({ path: join(ARTEFACTS, 'wallet-seller.png'), fullPage: true });
    await page.locator('#person').selectOption('liu');
    await page.locator('#band[data-band="poor"]').waitFor();
    await page.screenshot({ path: join(ARTEFACTS, 'wallet-poor.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await close();
  });

  test('"show to merchant" without a request makes a presentation of every feature the edge worker accepts', async () => {
    const { page, errors, close } = await open('/wallet/?person=wang', PHONE);
    const nonce = await getNonce(demo.url);
    await page.locator('#show-aud').fill(AUDIENCE);
    await page.locator('#show-nonce').fill(nonce);
    await page.locator('#show-make').click();
    const presentation = await page.locator('#show-presentation').inputValue();
    assert.match(presentation, /^[\w-]+\.[\w-]+\.[\w-]+~([\w-]+~){20}[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(presentation.startsWith(demo.people.wang.snapshot.split('~')[0]));
    await page.screenshot({ path: join(ARTEFACTS, 'wallet-show-to-merchant.png'), fullPage: true });
    const answer = await postGate(demo.url, { presentation, nonce, order: { item: 'e-bike' } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.band, 'good');
    assert.equal(answer.body.decision, 'deposit_free');
    assert.deepEqual(errors, []);
    await close();
  });
});

/**
 * One checkout: pick `item`, open the wallet, pick `person`, choose what the wallet's demo
 * tools send, show it to the merchant and wait for the edge worker's answer.
 */
async function checkout({ person, item = 'e-bike', sendAs = 'issued', screenshot, site = demo, band = site.people[person].band, language }) {
  const session = await open('/checkout/', { width: 1000, height: 900 }, site);
  const { page } = session;
  if (language !== undefined) await page.getByRole('button', { name: language }).click();
  await page.locator(`input[name="item"][value="${item}"]`).check();
  await page.locator('#check').click();
  const wallet = page.frameLocator('#wallet-frame');
  await wallet.locator('#request:not([hidden])').waitFor();
  await wallet.locator('#person').selectOption(person);
  await wallet.locator(band === null ? '#problem:not([hidden])' : `#band[data-band="${band}"]`).waitFor();
  session.shown = await wallet.locator('#request').evaluate((card) => ({
    features: [...card.querySelectorAll('#request-features li')].map((li) => li.dataset.feature),
    labels: [...card.querySelectorAll('#request-features li')].map((li) => li.textContent),
    heading: card.querySelector('#request-features-heading').textContent,
    withheld: card.querySelector('#request-withheld').textContent,
    aud: card.querySelector('#request-aud').textContent,
    model: card.querySelector('#request-model').textContent,
    status: card.querySelector('#request-status').hidden ? null : card.querySelector('#request-status').textContent,
  }));
  if (sendAs !== 'issued') {
    await wallet.locator('#demo-tools summary').click();
    await wallet.locator('#send-as').selectOption(sendAs);
  }
  if (screenshot) await page.screenshot({ path: join(ARTEFACTS, screenshot) });
  const posted = gateBodies.length;
  await wallet.locator('#request-show').click();
  await page.locator('#outcome[data-decision]:not([data-decision="pending"])').waitFor();
  return { ...session, outcome: await readOutcome(page), body: gateBodies[posted] };
}

async function readOutcome(page) {
  return page.evaluate(() => {
    const outcome = document.querySelector('#outcome');
    return {
      decision: outcome.dataset.decision,
      code: outcome.dataset.code,
      verdict: document.querySelector('#verdict').textContent,
      detail: document.querySelector('#verdict-detail').textContent,
      rule: document.querySelector('#verdict-rule').textContent,
      instant: document.querySelector('#instant').textContent,
    };
  });
}

// Chromium reports a refused fetch (401/403/409) on the console; those, and only those, are expected.
const unexpected = (errors, status) => errors.filter((error) => !error.includes(`status of ${status}`) || !error.includes('/rentals/gate'));

describe('checkout', () => {
  test('a top-band person rents an e-bike deposit-free, from the wallet, showing exactly six features', async () => {
    const { page, errors, close, outcome, body, shown } = await checkout({ person: 'lin', screenshot: 'checkout-wallet-request.png' });
    // The merchant's model reads six features: the wallet said which, to whom, and sent exactly those.
    const six = ['repay_on_time_ratio_24m', 'defaults_24m', 'utility_on_time_ratio_12m', 'open_credit_lines', 'credit_utilisation', 'real_name_verified'];
    assert.deepEqual(shown.features, six);
    assert.equal(shown.heading, 'It asks to see 6 features:');
    assert.ok(shown.labels.includes('Loan and pay-later repayments on time'), shown.labels.join(', '));
    assert.equal(shown.withheld, 'Not shared: your other 14 features.');
    assert.equal(shown.aud, AUDIENCE);
    assert.match(shown.model, /demo-rentals-express 2026\.12/);
    assert.deepEqual(Object.keys(body), ['presentation', 'nonce', 'order']);
    assert.deepEqual(disclosedNames(body.presentation), six, 'exactly six disclosures in the request body');
    assert.equal(outcome.decision, 'deposit_free');
    assert.equal(outcome.verdict, 'Deposit-free');
    assert.equal(outcome.detail, 'No deposit for the e-bike (normally ¥399).');
    assert.match(outcome.rule, /^Decided by our edge worker: band Excellent, rule "top-bands-deposit-free"/);
    assert.equal(outcome.instant, 'Instant check in this page: Excellent band, deposit-free.');
    assert.equal(await page.locator('#wallet-dialog').evaluate((dialog) => dialog.open), false);
    await page.locator('#confirm').click();
    assert.equal(await page.locator('#confirmation-detail').textContent(), 'E-bike, ¥30 per day, deposit ¥0. (Demo: nothing is charged.)');
    await page.screenshot({ path: join(ARTEFACTS, 'checkout-deposit-free.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await close();
  });

  test('in 简体中文: the page, the decision, the rental and a refusal; the choice is kept', async () => {
    const { page, errors, close, outcome } = await checkout({ person: 'lin', language: '简体中文' });
    const shown = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      title: document.title,
      headings: [...document.querySelectorAll('h2')].map((h) => h.textContent),
      items: [...document.querySelectorAll('#items .item')].map((item) => item.textContent),
      check: document.querySelector('#check').textContent,
    }));
    assert.equal(shown.lang, 'zh-CN');
    assert.equal(shown.title, '结账 · Rentals.example（edgescore 演示）');
    assert.deepEqual(shown.headings, ['1. 选择租赁物品', '2. 查看您的押金']);
    assert.deepEqual(shown.items, [
      '充电宝10,000 毫安时，任意站点归还¥4 每小时押金 ¥99',
      '电动自行车助力城市自行车，含头盔¥30 每天押金 ¥399',
      '汽车紧凑型两厢车，含保险¥300 每天押金 ¥5,000',
    ]);
    assert.equal(shown.check, '用我的信用钱包查看押金');
    assert.equal(outcome.decision, 'deposit_free');
    assert.equal(outcome.verdict, '免押金');
    assert.equal(outcome.detail, '电动自行车无需押金（通常为 ¥399）。');
    assert.match(outcome.rule, /^由我们的边缘节点决定：等级 极好，规则“top-bands-deposit-free”（模型 demo-rentals-express /);
    assert.equal(outcome.instant, '本页即时核验：极好等级，免押金。');
    assert.equal(await page.locator('#confirm').textContent(), '租赁电动自行车：支付押金 ¥0');
    await page.locator('#confirm').click();
    assert.equal(await page.locator('#confirmation-detail').textContent(), '电动自行车，¥30 每天，押金 ¥0。（演示：不会扣款。）');
    await page.screenshot({ path: join(ARTEFACTS, 'checkout-zh-deposit-free.png'), fullPage: true });
    // Back to English: what is shown is redrawn.
    await page.getByRole('button', { name: 'English' }).click();
    assert.equal((await readOutcome(page)).verdict, 'Deposit-free');
    assert.equal(await page.locator('#confirmation-detail').textContent(), 'E-bike, ¥30 per day, deposit ¥0. (Demo: nothing is charged.)');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.deepEqual(errors, []);
    await close();

    const tampered = await checkout({ person: 'lin', sendAs: 'tampered', language: '简体中文' });
    assert.equal(tampered.outcome.code, 'ERR_DISCLOSURE_INVALID');
    assert.equal(tampered.outcome.verdict, '出示被拒绝：快照被篡改');
    assert.equal(tampered.outcome.detail, '信用快照中的特征在征信机构签名后被改动过。');
    assert.equal(tampered.outcome.rule, '边缘节点：HTTP 401，ERR_DISCLOSURE_INVALID。未租赁任何物品。');
    assert.equal(tampered.outcome.instant, '本页即时核验：拒绝（ERR_DISCLOSURE_INVALID）。');
    await tampered.page.screenshot({ path: join(ARTEFACTS, 'checkout-zh-refused-tampered.png'), fullPage: true });
    assert.deepEqual(unexpected(tampered.errors, 401), []);
    // The language chosen is kept for the next visit (this context's storage).
    await tampered.page.reload();
    await tampered.page.locator('body[data-ready="true"]').waitFor();
    assert.equal(await tampered.page.locator('#check').textContent(), '用我的信用钱包查看押金');
    assert.equal(await tampered.page.getByRole('button', { name: '简体中文' }).getAttribute('aria-pressed'), 'true');
    await tampered.close();
  });

  test('a low-band person pays the deposit', async () => {
    const { page, errors, close, outcome } = await checkout({ person: 'liu' });
    assert.equal(outcome.decision, 'deposit_required');
    assert.equal(outcome.verdict, 'Deposit required: ¥399');
    assert.match(outcome.rule, /band Poor, rule "otherwise"/);
    assert.equal(outcome.instant, 'Instant check in this page: Poor band, deposit required: ¥399.');
    assert.equal(await page.locator('#confirm').textContent(), 'Rent the e-bike: pay ¥399 deposit');
    await page.screenshot({ path: join(ARTEFACTS, 'checkout-deposit-required.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await close();
  });

  test('a good-band person gets half off a car\'s deposit', async () => {
    const { errors, close, outcome } = await checkout({ person: 'wang', item: 'car' });
    assert.equal(outcome.decision, 'reduced_deposit');
    assert.equal(outcome.verdict, 'Reduced deposit: ¥2,500');
    assert.equal(outcome.detail, '50% of the ¥5,000 deposit.');
    assert.deepEqual(errors, []);
    await close();
  });

  // [wallet demo tool, HTTP status, code, headline]
  const refusals = [
    ['tampered', 401, 'ERR_DISCLOSURE_INVALID', 'Presentation rejected: tampered snapshot'],
    ['expired', 401, 'ERR_EXPIRED', 'Presentation rejected: expired snapshot'],
    ['other-merchant', 403, 'ERR_AUDIENCE', 'Presentation rejected: wrong merchant'],
  ];
  for (const [sendAs, status, code, headline] of refusals) {
    test(`${sendAs}: refused in the page and at the edge`, async () => {
      const { page, errors, close, outcome } = await checkout({ person: 'lin', sendAs });
      assert.equal(outcome.decision, 'rejected');
      assert.equal(outcome.code, code);
      assert.equal(outcome.verdict, headline);
      assert.equal(outcome.rule, `Edge worker: HTTP ${status}, ${code}. Nothing was rented.`);
      assert.equal(outcome.instant, `Instant check in this page: refused (${code}).`);
      assert.equal(await page.locator('#confirm').isHidden(), true);
      await page.screenshot({ path: join(ARTEFACTS, `checkout-refused-${sendAs}.png`), fullPage: true });
      assert.deepEqual(unexpected(errors, status), []);
      await close();
    });
  }

  test('a replayed presentation is refused: nonce mismatch in the page, nonce reused at the edge', async () => {
    const { page, errors, close, outcome } = await checkout({ person: 'chen' });
    assert.equal(outcome.decision, 'deposit_free');
    await page.locator('#demo-tools summary').click();
    await page.locator('#replay').click();
    await page.locator('#outcome[data-decision="rejected"]').waitFor();
    const replayed = await readOutcome(page);
    assert.equal(replayed.code, 'ERR_NONCE_REUSED');
    assert.equal(replayed.verdict, 'Presentation rejected: replayed request');
    assert.equal(replayed.rule, 'Edge worker: HTTP 409, ERR_NONCE_REUSED. Nothing was rented.');
    assert.equal(replayed.instant, 'Instant check in this page: refused (ERR_NONCE_MISMATCH).');
    await page.screenshot({ path: join(ARTEFACTS, 'checkout-refused-replayed.png'), fullPage: true });
    assert.deepEqual(unexpected(errors, 409), []);
    await close();
  });
});

describe('the bureau publishes a key set without the demo key', () => {
  let site;
  before(async () => {
    // The snapshots are signed with the demo issuer's key, which the package's DEMO_JWKS holds;
    // the bureau's published key set has only another key. A page verifying with DEMO_JWKS
    // would accept Lin; one verifying with the published set refuses, as the edge worker does.
    site = await startDemo({
      env: ONE_BUSY_BROWSER,
      beforeStart(dir) {
        const jwks = join(dir, 'other.jwks.json');
        const made = cli(['keygen', '--kid', 'demo-bureau-other', '--private', join(dir, 'other.jwk.json'), '--jwks', jwks]);
        assert.equal(made.code, 0, made.stdout);
        copyFileSync(jwks, join(dir, 'current/jwks.json'));
      },
    });
  });
  after(async () => {
    await site?.stop();
  });

  test('the instant check fetches the published key set and refuses, as the edge worker does', async () => {
    const fetched = site.site.bureau.requestsFor('/jwks.json');
    const { page, errors, close, outcome } = await checkout({ person: 'lin', site });
    assert.equal(outcome.instant, 'Instant check in this page: refused (ERR_UNKNOWN_KID).');
    assert.equal(outcome.decision, 'rejected');
    assert.equal(outcome.code, 'ERR_UNKNOWN_KID');
    assert.equal(outcome.verdict, 'Presentation rejected: unknown bureau key');
    assert.ok(site.site.bureau.requestsFor('/jwks.json') > fetched, 'the bureau\'s key set was fetched');
    await page.screenshot({ path: join(ARTEFACTS, 'checkout-refused-unknown-key.png'), fullPage: true });
    assert.deepEqual(unexpected(errors, 401), []);
    await close();
  });
});

describe('revocation', () => {
  let site;
  before(async () => {
    // The bureau lets verifiers cache its status list for one second, and the gate fetches it
    // again as soon as that second has passed (no stale-while-revalidate window).
    site = await startDemo({ statusTtl: '1s', env: { ...ONE_BUSY_BROWSER, EDGESCORE_STATUS_LIST_REVALIDATE_SECONDS: '0' } });
  });
  after(async () => {
    await site?.stop();
  });

  test('revoked with the CLI: the wallet shows it, and the checkout is refused after the list refresh', async () => {
    const before = await checkout({ person: 'lin', site });
    assert.equal(before.outcome.decision, 'deposit_free');
    await before.close();
    const dir = join(site.dir, 'current');
    const revoked = cli(['revoke', '--status-list', join(dir, 'status-list.jwt'), '--issued', join(dir, 'issued.jsonl'),
      '--sub', 'demo-lin', '--demo-key', '--ttl', '1s']);
    assert.equal(revoked.code, 0, revoked.stdout);
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const wallet = await open('/wallet/?person=lin', PHONE, site);
    await wallet.page.locator('#problem:not([hidden])').waitFor();
    assert.equal(await wallet.page.locator('#problem').getAttribute('data-code'), 'ERR_REVOKED');
    assert.equal(await wallet.page.locator('#problem').textContent(),
      'The bureau has revoked this snapshot: merchants will refuse it. Ask the bureau for a new one.');
    assert.equal(await wallet.page.locator('#score').textContent(), '—');
    await wallet.page.screenshot({ path: join(ARTEFACTS, 'wallet-revoked.png'), fullPage: true });
    assert.deepEqual(wallet.errors, []);
    await wallet.close();

    const after = await checkout({ person: 'lin', site, band: null, screenshot: 'checkout-wallet-request-revoked.png' });
    assert.match(after.shown.status, /revoked/);
    assert.equal(after.outcome.decision, 'rejected');
    assert.equal(after.outcome.code, 'ERR_REVOKED');
    assert.equal(after.outcome.verdict, 'Presentation rejected: revoked snapshot');
    assert.equal(after.outcome.rule, 'Edge worker: HTTP 403, ERR_REVOKED. Nothing was rented.');
    assert.equal(after.outcome.instant, 'Instant check in this page: refused (ERR_REVOKED).');
    await after.page.screenshot({ path: join(ARTEFACTS, 'checkout-refused-revoked.png'), fullPage: true });
    assert.deepEqual(unexpected(after.errors, 403), []);
    await after.close();
    // Someone else still rents.
    const chen = await checkout({ person: 'chen', site });
    assert.equal(chen.outcome.decision, 'deposit_free');
    await chen.close();
  });
});

test('every request the pages made went to the demo site on 127.0.0.1', () => {
  assert.ok(requests.length > 20, `${requests.length} requests recorded`);
  const elsewhere = requests.filter(([site, url]) => !url.startsWith(`${site}/`) && url !== 'about:blank');
  assert.deepEqual(elsewhere, []);
  const paths = new Set(requests.map(([, url]) => new URL(url).pathname));
  for (const path of ['/pkg/dist/edgescore_core_bg.wasm', '/nonce', '/rentals/gate', '/status/1', '/jwks.json', '/models/rentals-express.model.jws',
    '/demo-data/current/demo.json', '/demo-data/expired/people/lin.sd-jwt']) {
    assert.ok(paths.has(path), `the pages requested ${path}`);
  }
});
