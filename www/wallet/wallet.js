// The wallet webview: the person's own view of their snapshot (score, band, five dimensions,
// reasons, how the model works) and "show to merchant", which makes a presentation (a
// key-binding JWS) for a merchant's nonce and audience. Everything is computed here, from the
// snapshot and the pinned issuer keys and models; nothing calls the bureau.
//
// This module holds the state, loads and scores the person's snapshot and makes presentations;
// the words are in strings.js, the page is drawn by render.js, and messaging.js answers the
// checkout that opened the wallet (postMessage, same origin only). Demo: the snapshots and
// holder keys come from /demo-data/.
import { EdgescoreError, Holder, init, newNonce, Scorer } from '/pkg/edgescore.js';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from '/pkg/wasm/demo.js';
import { connectToMerchant } from './messaging.js';
import { $, element, render, renderFailure, renderRequest } from './render.js';
import { translate } from './strings.js';

// The wallet scores the snapshot for itself: a presentation to its own audience.
const WALLET_AUDIENCE = 'urn:edgescore:wallet';
const OTHER_MERCHANT = 'https://other-merchant.example';
const DEMO_DATA = '/demo-data';
const MODELS = { consumer: DEMO_CONSUMER_MODEL, seller: DEMO_SELLER_MODEL };
// What a tampering holder would write into their own snapshot.
const FLATTERING_EDITS = {
  repay_on_time_ratio_24m: 1, late_90d_count_24m: 0, defaults_24m: 0, bills_on_autopay: true,
  dispute_rate_12m: 0, refund_rate_12m: 0, store_rating: 5,
};

const state = {
  lang: localStorage.getItem('edgescore-wallet-lang') === 'zh' ? 'zh' : 'en',
  people: [],
  person: null, // { id, name, about, model, snapshot, holder, scorer, result, info, error }
  request: null, // a merchant's request: { nonce, aud, merchant, purpose }
};

async function fetchText(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.text()).trim();
}

/** A person's snapshot and holder key from the demo data (`folder`: current or expired). */
async function loadMaterial(folder, id) {
  const [snapshot, holderJwk] = await Promise.all([
    fetchText(`${DEMO_DATA}/${folder}/people/${id}.snapshot.jwt`),
    fetchText(`${DEMO_DATA}/${folder}/people/${id}.holder.jwk.json`),
  ]);
  return { snapshot, holder: Holder.fromPrivateJwk(holderJwk) };
}

const scorers = {};
function scorerFor(model) {
  scorers[model] ??= new Scorer({ jwks: DEMO_JWKS, model: MODELS[model], audience: WALLET_AUDIENCE });
  return scorers[model];
}

/** Scores the person's own snapshot with full disclosure, presenting it to the wallet itself. */
function scoreOwn(person) {
  const nonce = newNonce();
  const presentation = person.holder.present(person.snapshot, { nonce, aud: WALLET_AUDIENCE });
  return person.scorer.score(person.snapshot, { nonce, presentation, disclose: 'full' });
}

async function selectPerson(id) {
  const entry = state.people.find((person) => person.id === id) ?? state.people[0];
  const material = await loadMaterial('current', entry.id);
  const person = { ...entry, ...material, scorer: scorerFor(entry.model) };
  person.info = person.scorer.modelInfo();
  try {
    person.result = scoreOwn(person);
  } catch (error) {
    if (!(error instanceof EdgescoreError)) throw error;
    person.error = error;
  }
  state.person = person;
  localStorage.setItem('edgescore-wallet-person', person.id);
  render(state);
}

// ---- showing to a merchant ----

const base64url = {
  decode: (part) => new TextDecoder().decode(Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
  encode: (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
};

/** The snapshot with flattering features written in: the bureau's signature no longer matches. */
function tamper(snapshot) {
  const [header, payload, signature] = snapshot.split('.');
  const claims = JSON.parse(base64url.decode(payload));
  for (const [name, value] of Object.entries(FLATTERING_EDITS)) {
    if (name in claims.features) claims.features[name] = value;
  }
  let edited = base64url.encode(JSON.stringify(claims));
  if (edited === payload) {
    // Nothing left to flatter: a longer life is what such a holder would write instead.
    claims.exp += 365 * 86_400;
    edited = base64url.encode(JSON.stringify(claims));
  }
  return [header, edited, signature].join('.');
}

/** What "show to merchant" sends for `nonce` and `aud`, as the demo tools say. */
async function presentationFor(nonce, aud) {
  const person = state.person;
  const kind = $('#send-as').value;
  let { snapshot, holder } = person;
  if (kind === 'tampered') snapshot = tamper(snapshot);
  if (kind === 'expired') ({ snapshot, holder } = await loadMaterial('expired', person.id));
  const audience = kind === 'other-merchant' ? OTHER_MERCHANT : aud;
  return { snapshot, presentation: holder.present(snapshot, { nonce, aud: audience }) };
}

async function showStandalone() {
  const nonce = $('#show-nonce').value.trim();
  const aud = $('#show-aud').value.trim();
  if (nonce === '') {
    $('#show-nonce').setCustomValidity(translate(state.lang, 'needNonce'));
    $('#show-nonce').reportValidity();
    return;
  }
  $('#show-nonce').setCustomValidity('');
  const { snapshot, presentation } = await presentationFor(nonce, aud);
  $('#show-presentation').value = presentation;
  $('#show-snapshot').value = snapshot;
  $('#show-output').hidden = false;
}

// ---- the checkout that opened the wallet ----

function listenToMerchant() {
  const merchant = connectToMerchant((request) => {
    state.request = request;
    renderRequest(state);
  });
  if (merchant === null) return;
  $('#request-show').addEventListener('click', async () => {
    const { nonce, aud } = state.request;
    const { snapshot, presentation } = await presentationFor(nonce, aud);
    state.request = null;
    renderRequest(state);
    merchant.present({ snapshot, presentation });
  });
  $('#request-decline').addEventListener('click', () => {
    state.request = null;
    renderRequest(state);
    merchant.decline();
  });
  merchant.ready();
}

async function main() {
  await init();
  const manifest = JSON.parse(await fetchText(`${DEMO_DATA}/current/demo.json`));
  state.people = manifest.people;
  $('#person').replaceChildren(...state.people.map((person) => element('option', { text: person.name, attrs: { value: person.id } })));
  $('#person').addEventListener('change', (event) => selectPerson(event.target.value).catch(showFailure));
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => {
      state.lang = button.dataset.lang;
      localStorage.setItem('edgescore-wallet-lang', state.lang);
      render(state);
    });
  }
  $('#show-make').addEventListener('click', showStandalone);
  const wanted = new URLSearchParams(location.search).get('person') ?? localStorage.getItem('edgescore-wallet-person');
  await selectPerson(wanted);
  document.body.dataset.ready = 'true';
  listenToMerchant();
}

function showFailure(error) {
  renderFailure(state, error);
}

main().catch(showFailure);
