// The merchant's rental checkout. For each check it gets a presentation request from its edge
// worker (GET /nonce: a single-use nonce, its audience and the features its models read),
// opens the person's wallet (an iframe, same origin) with it, and receives the presentation
// by postMessage: the snapshot with exactly those features disclosed and a key-binding JWT. It
// scores it here at once (instant feedback) and asks the edge worker (POST /rentals/gate) for
// the decision that counts. Every request goes to this page's own origin.
//
// Like the edge worker, the page verifies snapshots with the key set the bureau publishes
// (fetched, and fetched again when a snapshot names a key it does not hold: the bureau rotated),
// and the signed models with the key set deployed with it (the package's demo issuer keys).
import { createRemoteKeySet, DEFAULT_POLICY, EdgescoreError, init, Scorer } from '/pkg/dist/edgescore.js';
import { DEMO_JWKS, DEMO_SELLER_MODEL } from '/pkg/dist/demo.js';
import { MESSAGE } from '/shared/messages.mjs';
import { catalogItem, createRentalVerifier, orderContext } from '/shared/rentals.mjs';
import { pageLanguage, translate } from './strings.js';

// The page's words are in strings.js (English and 简体中文), by key; refusals by error code
// (edgescore's, or the edge worker's nonce codes).
const LANG_KEY = 'edgescore-checkout-lang';

const $ = (selector) => document.querySelector(selector);

// The merchant's own six-feature consumer model (the edge worker has the same) and where the
// bureau publishes its status list and its key set (read through this origin).
const RENTALS_MODEL = '/models/rentals-express.model.jws';
const STATUS_LIST = '/status/1';
const BUREAU_JWKS = '/jwks.json';

const state = {
  catalog: null,
  rentalsModel: null,
  verifier: null,
  attempt: null, // { item, request }
  lastRequest: null, // the last body sent to /rentals/gate, for the replay tool
  lang: localStorage.getItem(LANG_KEY) === 'zh' ? 'zh' : 'en',
  redraw: null, // draws the outcome shown again, in the current language
};

const t = (key, ...args) => translate(state.lang, key, ...args);
const itemName = (item) => t('itemName')[item.id] ?? item.name;
const bandLabel = (band) => t('bands')[band] ?? band;

const money = (fen) => `¥${(fen / 100).toLocaleString(pageLanguage(state.lang), { minimumFractionDigits: fen % 100 === 0 ? 0 : 2 })}`;
const priceText = (item) => `${money(item.price)} ${t('unit')[item.unit] ?? item.unit}`;

function selectedItem() {
  return catalogItem(state.catalog, document.querySelector('input[name="item"]:checked')?.value);
}

function renderItems() {
  const selected = document.querySelector('input[name="item"]:checked')?.value ?? state.catalog.items[1]?.id;
  $('#items').replaceChildren(...state.catalog.items.map((item) => {
    const label = document.createElement('label');
    label.className = 'item';
    const radio = Object.assign(document.createElement('input'), { type: 'radio', name: 'item', value: item.id, checked: item.id === selected });
    const text = document.createElement('span');
    text.className = 'item-text';
    const name = Object.assign(document.createElement('strong'), { textContent: itemName(item) });
    const detail = Object.assign(document.createElement('span'), { className: 'small muted', textContent: t('itemDetail')[item.id] ?? item.detail });
    const price = Object.assign(document.createElement('span'), { className: 'small', textContent: priceText(item) });
    text.append(name, detail, price);
    const deposit = Object.assign(document.createElement('span'), { className: 'deposit', textContent: t('deposit', money(item.deposit)) });
    label.append(radio, text, deposit);
    return label;
  }));
}

// ---- talking to the edge worker (this origin only) ----

/** GET /nonce: the edge worker's presentation request. */
async function getRequest() {
  const response = await fetch('/nonce', { cache: 'no-store' });
  if (!response.ok) throw new Error(`the edge worker gave no nonce (${response.status})`);
  return response.json();
}

/** POST /rentals/gate: { status, body } with the decision or { error: { code, message } }. */
async function askGate(body) {
  const response = await fetch('/rentals/gate', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function verifierFor(audience) {
  state.verifier ??= createRentalVerifier({
    Scorer,
    jwks: createRemoteKeySet(new URL(BUREAU_JWKS, location.href)),
    modelJwks: DEMO_JWKS,
    models: [state.rentalsModel, DEMO_SELLER_MODEL],
    policy: DEFAULT_POLICY,
    audience,
  });
  return state.verifier;
}

/** The bureau's current status list for the page's own check (the edge worker fetches its own). */
async function refreshStatusList(audience) {
  const response = await fetch(STATUS_LIST, { cache: 'no-store' });
  if (!response.ok) return;
  try {
    await verifierFor(audience).addStatusListAsync((await response.text()).trim());
  } catch (error) {
    if (!(error instanceof EdgescoreError)) throw error;
  }
}

/** The instant decision in this page: the band-only result, or the refusal's code. */
async function decideHere(audience, body, nonce) {
  try {
    return {
      result: await verifierFor(audience).decideAsync(body.presentation, {
        nonce,
        context: orderContext(state.catalog, catalogItem(state.catalog, body.order.item)),
      }),
    };
  } catch (error) {
    if (!(error instanceof EdgescoreError)) throw error;
    return { code: error.code };
  }
}

// ---- showing decisions ----

function decisionText(result, item) {
  switch (result.decision) {
    case 'deposit_free':
      return ['ok', t('depositFree'), t('depositFreeDetail', itemName(item), money(item.deposit))];
    case 'reduced_deposit':
      return ['warn', t('reduced', money(result.deposit)), t('reducedDetail', result.deposit_percent, money(item.deposit))];
    case 'deposit_required':
      return ['warn', t('required', money(result.deposit)), t('requiredDetail')];
    default:
      return ['warn', t('refer'), t('referDetail')];
  }
}

function instantText(local, item) {
  if (local.code) return t('instantRefused', local.code);
  const [, headline] = decisionText(local.result, item);
  return t('instant', bandLabel(local.result.band), headline);
}

/** Shows an outcome; `draw` gives its texts in the current language, and draws it again on a switch. */
function showOutcome(draw) {
  state.redraw = () => {
    const { tone, headline, detail, rule, instant } = draw();
    const outcome = $('#outcome');
    outcome.hidden = false;
    outcome.className = `card outcome ${tone}`;
    $('#verdict').textContent = headline;
    $('#verdict-detail').textContent = detail;
    $('#verdict-rule').textContent = rule;
    $('#instant').textContent = instant;
  };
  state.redraw();
}

/** Shows the edge worker's answer (the one that counts) beside the page's instant check. */
function showAnswer(answer, local, item) {
  $('#confirm').hidden = true;
  $('#confirmation').hidden = true;
  const code = answer.body?.error?.code;
  if (answer.status !== 200) {
    showOutcome(() => {
      const [title, detail] = t('rejections')[code] ?? t('unverified');
      return { tone: 'bad', headline: t('rejected', title), detail, rule: t('rejectedRule', answer.status, code), instant: instantText(local, item) };
    });
    $('#outcome').dataset.code = code ?? '';
    $('#outcome').dataset.decision = 'rejected';
    return;
  }
  const result = answer.body;
  showOutcome(() => {
    const [tone, headline, detail] = decisionText(result, item);
    const model = `${result.model.id} ${result.model.version}${result.model.demo ? t('demoModel') : ''}`;
    const rule = t('decidedRule', bandLabel(result.band), result.rule, model);
    // The confirm button and the confirmation follow the language too.
    $('#confirm').textContent = t('rent', itemName(item), money(result.deposit));
    $('#confirmation-detail').textContent = t('confirmation', itemName(item), priceText(item), money(result.deposit));
    return { tone, headline, detail, rule, instant: instantText(local, item) };
  });
  $('#outcome').dataset.code = '';
  $('#outcome').dataset.decision = result.decision;
  if (result.decision !== 'refer') {
    const confirm = $('#confirm');
    confirm.hidden = false;
    confirm.onclick = () => {
      confirm.hidden = true;
      $('#confirmation').hidden = false;
    };
  }
}

function showProblem(error) {
  showOutcome(() => ({ tone: 'bad', headline: t('problem'), detail: error.message, rule: '', instant: '' }));
}

/** Every text of the page in `state.lang`: the static ones (`data-text`, `data-label`, `data-title`), the items, the outcome. */
function renderTexts() {
  document.documentElement.lang = pageLanguage(state.lang);
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = t(node.dataset.text);
  for (const node of document.querySelectorAll('[data-label]')) node.setAttribute('aria-label', t(node.dataset.label));
  for (const node of document.querySelectorAll('[data-title]')) node.title = t(node.dataset.title);
  for (const button of document.querySelectorAll('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  if (state.catalog !== null) renderItems();
  state.redraw?.();
}

// ---- the wallet ----

const dialog = () => $('#wallet-dialog');
const frame = () => $('#wallet-frame');

async function startCheck() {
  const item = selectedItem();
  const request = await getRequest();
  await refreshStatusList(request.aud);
  state.attempt = { item, request };
  $('#outcome').hidden = true;
  $('#confirmation').hidden = true;
  frame().src = '/wallet/';
  dialog().showModal();
}

function closeWallet() {
  if (dialog().open) dialog().close();
}

async function evaluate(attempt, presentation) {
  const { nonce, aud } = attempt.request;
  const body = { presentation, nonce, order: { item: attempt.item.id } };
  const local = await decideHere(aud, body, nonce);
  showOutcome(() => ({ tone: '', headline: t('checking'), detail: '', rule: '', instant: instantText(local, attempt.item) }));
  $('#outcome').dataset.decision = 'pending';
  state.lastRequest = body;
  $('#replay').disabled = false;
  showAnswer(await askGate(body), local, attempt.item);
}

/**
 * The replay tool: the last request again. In the page it is checked against a fresh nonce
 * (what a new check would expect); the edge worker gets the captured body as it was.
 */
async function replay() {
  const body = state.lastRequest;
  const { nonce, aud } = await getRequest();
  const local = await decideHere(aud, body, nonce);
  showAnswer(await askGate(body), local, catalogItem(state.catalog, body.order.item));
}

function onWalletMessage(event) {
  if (event.origin !== location.origin || event.source !== frame().contentWindow) return;
  const attempt = state.attempt;
  const data = event.data;
  if (attempt === null || typeof data?.type !== 'string') return;
  if (data.type === MESSAGE.ready) {
    const purpose = t('purpose', itemName(attempt.item), money(attempt.item.deposit));
    frame().contentWindow.postMessage(
      { type: MESSAGE.request, request: attempt.request, merchant: state.catalog.merchant, purpose },
      location.origin,
    );
  } else if (data.type === MESSAGE.presentation && typeof data.presentation === 'string') {
    state.attempt = null;
    closeWallet();
    evaluate(attempt, data.presentation).catch(showProblem);
  } else if (data.type === MESSAGE.declined) {
    state.attempt = null;
    closeWallet();
    showOutcome(() => ({ tone: 'warn', headline: t('declined'), detail: t('declinedDetail'), rule: '', instant: '' }));
  }
}

async function main() {
  await init();
  const [catalog, model] = await Promise.all([fetch('/checkout/catalog.json'), fetch(RENTALS_MODEL)]);
  state.catalog = await catalog.json();
  state.rentalsModel = (await model.text()).trim();
  renderTexts();
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => {
      state.lang = button.dataset.lang;
      localStorage.setItem(LANG_KEY, state.lang);
      renderTexts();
    });
  }
  window.addEventListener('message', onWalletMessage);
  $('#check').addEventListener('click', () => startCheck().catch(showProblem));
  $('#wallet-close').addEventListener('click', closeWallet);
  // Closed by the button, Escape or an answer: the attempt is over either way.
  dialog().addEventListener('close', () => {
    state.attempt = null;
    frame().src = 'about:blank';
  });
  $('#replay').addEventListener('click', () => replay().catch(showProblem));
  $('#check').disabled = false;
  document.body.dataset.ready = 'true';
}

main().catch(showProblem);
