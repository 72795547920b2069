// The wallet and the checkout in real Chromium (Debian's, driven by playwright-core) against
// the demo site in workerd on 127.0.0.1. Every request Chromium makes is recorded; the last
// test checks they all went to the site. Screenshots go to test-artefacts/www/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Holder, newNonce, Scorer } from '../../pkg/edgescore.js';
import { ROOT } from '../../pkg/test/helpers.mjs';
import { launchChromium } from '../../pkg/test/runtimes.mjs';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from '../../pkg/wasm/demo.js';
import { AUDIENCE, getNonce, postGate, startDemo } from './helpers.mjs';

const ARTEFACTS = join(ROOT, 'test-artefacts/www');
const PHONE = { width: 390, height: 844 };
const TIMEOUT = 20_000;

let demo;
let browser;
const requests = [];

before(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  demo = await startDemo();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A fresh browser context (own storage) and page; console errors and every request recorded. */
async function open(path, viewport) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(TIMEOUT);
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  await page.goto(demo.url + path);
  await page.locator('body[data-ready="true"]').waitFor();
  return { page, errors, close: () => context.close() };
}

/** What the package in Node makes of a person's snapshot, with full disclosure. */
function expectedResult(id) {
  const person = demo.people[id];
  const scorer = new Scorer({ jwks: DEMO_JWKS, model: person.model === 'seller' ? DEMO_SELLER_MODEL : DEMO_CONSUMER_MODEL, audience: 'urn:test' });
  const nonce = newNonce();
  const presentation = Holder.fromPrivateJwk(person.holder).present(person.snapshot, { nonce, aud: 'urn:test' });
  return { result: scorer.score(person.snapshot, { nonce, presentation, disclose: 'full' }), info: scorer.modelInfo() };
}

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

  test('"show to merchant" makes a presentation the edge worker accepts', async () => {
    const { page, errors, close } = await open('/wallet/?person=wang', PHONE);
    const nonce = await getNonce(demo.url);
    await page.locator('#show-aud').fill(AUDIENCE);
    await page.locator('#show-nonce').fill(nonce);
    await page.locator('#show-make').click();
    const presentation = await page.locator('#show-presentation').inputValue();
    const snapshot = await page.locator('#show-snapshot').inputValue();
    assert.match(presentation, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(snapshot, demo.people.wang.snapshot);
    await page.screenshot({ path: join(ARTEFACTS, 'wallet-show-to-merchant.png'), fullPage: true });
    const answer = await postGate(demo.url, { snapshot, presentation, nonce, order: { item: 'e-bike' } });
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
async function checkout({ person, item = 'e-bike', sendAs = 'issued', screenshot }) {
  const session = await open('/checkout/', { width: 1000, height: 900 });
  const { page } = session;
  await page.locator(`input[name="item"][value="${item}"]`).check();
  await page.locator('#check').click();
  const wallet = page.frameLocator('#wallet-frame');
  await wallet.locator('#request:not([hidden])').waitFor();
  await wallet.locator('#person').selectOption(person);
  await wallet.locator(`#band[data-band="${demo.people[person].band}"]`).waitFor();
  if (sendAs !== 'issued') {
    await wallet.locator('#demo-tools summary').click();
    await wallet.locator('#send-as').selectOption(sendAs);
  }
  if (screenshot) await page.screenshot({ path: join(ARTEFACTS, screenshot) });
  await wallet.locator('#request-show').click();
  await page.locator('#outcome[data-decision]:not([data-decision="pending"])').waitFor();
  return { ...session, outcome: await readOutcome(page) };
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
  test('a top-band person rents an e-bike deposit-free, from the wallet', async () => {
    const { page, errors, close, outcome } = await checkout({ person: 'lin', screenshot: 'checkout-wallet-request.png' });
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
    ['tampered', 401, 'ERR_SIGNATURE_INVALID', 'Presentation rejected: tampered snapshot'],
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

test('every request the pages made went to the demo site on 127.0.0.1', () => {
  assert.ok(requests.length > 20, `${requests.length} requests recorded`);
  const elsewhere = requests.filter((url) => !url.startsWith(`${demo.url}/`) && url !== 'about:blank');
  assert.deepEqual(elsewhere, []);
  const paths = new Set(requests.map((url) => new URL(url).pathname));
  for (const path of ['/pkg/wasm/edgescore_core_bg.wasm', '/nonce', '/rentals/gate', '/demo-data/current/demo.json', '/demo-data/expired/people/lin.snapshot.jwt']) {
    assert.ok(paths.has(path), `the pages requested ${path}`);
  }
});
