// The wallet webview: the person's own view of their snapshot (score, band, five dimensions,
// reasons, how the model works, whether the bureau has revoked it) and "show to merchant",
// which answers a merchant's presentation request: the features it asks for, no others, and
// a key-binding JWT for its nonce and audience. Everything is computed here, from the
// snapshot, the pinned issuer keys and models, and the bureau's public status list.
//
// This module holds the state, loads and scores the person's snapshot and makes presentations;
// the words are in strings.js, the page is drawn by render.js, and messaging.js answers the
// checkout that opened the wallet (postMessage, same origin only). Demo: the snapshots and
// holder keys come from /demo-data/.
import { disclosableNames, disclosuresFor, EdgescoreError, Holder, init, newNonce, Scorer } from '/pkg/dist/edgescore.js';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from '/pkg/dist/demo.js';
import { connectToMerchant } from './messaging.js';
import { $, element, render, renderFailure, renderRequest } from './render.js';
import { translate } from './strings.js';

// The wallet scores the snapshot for itself: a presentation to its own audience.
const WALLET_AUDIENCE = 'urn:edgescore:wallet';
const OTHER_MERCHANT = 'https://other-merchant.example';
const DEMO_DATA = '/demo-data';
// The bureau's public status list, which the demo snapshots name (read through this origin).
const STATUS_LIST = '/status/1';
const MODELS = { consumer: DEMO_CONSUMER_MODEL, seller: DEMO_SELLER_MODEL };
// What a tampering holder would write into their own snapshot.
const FLATTERING_EDITS = {
  repay_on_time_ratio_24m: 1, late_90d_count_24m: 0, defaults_24m: 0, bills_on_autopay: true,
  dispute_rate_12m: 0, refund_rate_12m: 0, store_rating: 5,
};

const state = {
  lang: localStorage.getItem('edgescore-wallet-lang') === 'zh' ? 'zh' : 'en',
  people: [],
  person: null, // { id, name, about, model, snapshot, holder, scorer, result, info, disclosable, error }
  request: null, // a merchant's request: { request, merchant, purpose, disclosed }
};

async function fetchText(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.text()).trim();
}

/** A person's snapshot and holder key from the demo data (`folder`: current or expired). */
async function loadMaterial(folder, id) {
  const [snapshot, holderJwk] = await Promise.all([
    fetchText(`${DEMO_DATA}/${folder}/people/${id}.sd-jwt`),
    fetchText(`${DEMO_DATA}/${folder}/people/${id}.holder.jwk.json`),
  ]);
  return { snapshot, holder: Holder.fromPrivateJwk(holderJwk) };
}

const scorers = {};
function scorerFor(model) {
  scorers[model] ??= new Scorer({ jwks: DEMO_JWKS, model: MODELS[model], audience: WALLET_AUDIENCE });
  return scorers[model];
}

/**
 * Fetches the bureau's status list and hands it to the wallet's scorers, so the person sees a
 * revocation as soon as the bureau publishes it. Without a list the wallet still scores (its
 * scorers' policy refers), and says it could not check.
 */
async function refreshStatusList() {
  try {
    const response = await fetch(STATUS_LIST, { cache: 'no-store' });
    if (!response.ok) return;
    const token = (await response.text()).trim();
    for (const model of Object.keys(MODELS)) scorerFor(model).addStatusList(token);
  } catch (error) {
    if (!(error instanceof EdgescoreError) && !(error instanceof TypeError)) throw error;
  }
}

/** Scores the person's own snapshot with full disclosure, presenting every feature to the wallet itself. */
function scoreOwn(person) {
  const nonce = newNonce();
  const presentation = person.holder.presentAll(person.snapshot, { nonce, aud: WALLET_AUDIENCE });
  return person.scorer.score(presentation, { nonce, disclose: 'full' });
}

async function selectPerson(id) {
  const entry = state.people.find((person) => person.id === id) ?? state.people[0];
  const [material] = await Promise.all([loadMaterial('current', entry.id), refreshStatusList()]);
  const person = { ...entry, ...material, scorer: scorerFor(entry.model) };
  person.info = person.scorer.modelInfo();
  // What the snapshot holds, disclosable one by one (the schema's features, not only the ones
  // this model reads).
  person.disclosable = disclosableNames(person.snapshot);
  try {
    person.result = scoreOwn(person);
  } catch (error) {
    if (!(error instanceof EdgescoreError)) throw error;
    person.error = error;
  }
  state.person = person;
  if (state.request !== null) state.request = describeRequest(state.request);
  localStorage.setItem('edgescore-wallet-person', person.id);
  render(state);
}

// ---- showing to a merchant ----

const base64url = {
  decode: (part) => new TextDecoder().decode(Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
  encode: (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
};

/**
 * The snapshot with flattering values written into its disclosures: their digests are no
 * longer the ones the bureau signed.
 */
function tamper(snapshot) {
  const [jwt, ...rest] = snapshot.split('~');
  const edited = rest.map((part) => {
    if (part === '') return part;
    const [salt, name, value] = JSON.parse(base64url.decode(part));
    return name in FLATTERING_EDITS ? base64url.encode(JSON.stringify([salt, name, FLATTERING_EDITS[name]])) : part;
  });
  return [jwt, ...edited].join('~');
}

/** A merchant's request with what this person would disclose for it, to show before they agree. */
function describeRequest(open) {
  let disclosed;
  try {
    disclosed = disclosuresFor(state.person.snapshot, open.request);
  } catch (error) {
    if (!(error instanceof EdgescoreError)) throw error;
    disclosed = { aud: open.request.aud, features: [], model: open.request.model, error };
  }
  return { ...open, disclosed };
}

/** What "show to merchant" sends for a request, as the demo tools say. */
async function presentationFor(request) {
  const person = state.person;
  const kind = $('#send-as').value;
  let { snapshot, holder } = person;
  if (kind === 'tampered') snapshot = tamper(snapshot);
  if (kind === 'expired') ({ snapshot, holder } = await loadMaterial('expired', person.id));
  const asked = kind === 'other-merchant' ? { ...request, aud: OTHER_MERCHANT } : request;
  return holder.present(snapshot, asked);
}

/** The form for a merchant without a request channel: every feature, for a nonce and an audience. */
async function showStandalone() {
  const nonce = $('#show-nonce').value.trim();
  const aud = $('#show-aud').value.trim();
  if (nonce === '') {
    $('#show-nonce').setCustomValidity(translate(state.lang, 'needNonce'));
    $('#show-nonce').reportValidity();
    return;
  }
  $('#show-nonce').setCustomValidity('');
  const { snapshot, holder } = state.person;
  $('#show-presentation').value = holder.presentAll(snapshot, { nonce, aud });
  $('#show-output').hidden = false;
}

// ---- the checkout that opened the wallet ----

function listenToMerchant() {
  const merchant = connectToMerchant(async (open) => {
    await refreshStatusList();
    state.request = describeRequest(open);
    renderRequest(state);
  });
  if (merchant === null) return;
  $('#request-show').addEventListener('click', async () => {
    const presentation = await presentationFor(state.request.request);
    state.request = null;
    renderRequest(state);
    merchant.present({ presentation });
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
