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

// Why a presentation was refused, by error code (edgescore's, or the edge worker's nonce codes).
const REJECTIONS = {
  ERR_SIGNATURE_INVALID: ['tampered snapshot', 'The credit snapshot was changed after the bureau signed it.'],
  ERR_DISCLOSURE_INVALID: ['tampered snapshot', 'Features in the credit snapshot were changed after the bureau signed them.'],
  ERR_FEATURE_NOT_DISCLOSED: ['features withheld', 'The wallet did not show every feature our check reads.'],
  ERR_REVOKED: ['revoked snapshot', 'The bureau has revoked this credit snapshot.'],
  ERR_SUSPENDED: ['suspended snapshot', 'The bureau has suspended this credit snapshot.'],
  ERR_EXPIRED: ['expired snapshot', 'The credit snapshot has expired. Refresh it in your wallet, then try again.'],
  ERR_TOO_OLD: ['too old', 'The credit snapshot or the wallet\'s proof is older than we accept. Refresh the snapshot in your wallet, check that your phone\'s clock is right, then try again.'],
  ERR_NOT_YET_VALID: ['clock out of step', 'Your phone\'s clock and ours differ by more than a minute. Set your phone to automatic date and time, then try again.'],
  ERR_AUDIENCE: ['wrong merchant', 'This proof was made for a different merchant, not for us.'],
  ERR_NONCE_MISMATCH: ['replayed proof', 'This proof was made for an earlier request, not for this one.'],
  ERR_NONCE_REUSED: ['replayed request', 'This request was already used: each check is good for one try.'],
  ERR_NONCE_EXPIRED: ['check timed out', 'The check took too long. Please start again.'],
  ERR_NONCE_UNKNOWN: ['unknown check', 'We did not start this check. Please start again.'],
  ERR_HOLDER_BINDING: ['not the holder\'s proof', 'The proof was not made with the key of the snapshot\'s owner.'],
  ERR_UNKNOWN_KID: ['unknown bureau key', 'The snapshot was not signed by a bureau we trust.'],
};
const UNVERIFIED = ['not verified', 'We could not verify the credit check.'];

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
};

const money = (fen) => `¥${(fen / 100).toLocaleString('en', { minimumFractionDigits: fen % 100 === 0 ? 0 : 2 })}`;

function selectedItem() {
  return catalogItem(state.catalog, document.querySelector('input[name="item"]:checked')?.value);
}

function renderItems() {
  $('#items').replaceChildren(...state.catalog.items.map((item, index) => {
    const label = document.createElement('label');
    label.className = 'item';
    const radio = Object.assign(document.createElement('input'), { type: 'radio', name: 'item', value: item.id, checked: index === 1 });
    const text = document.createElement('span');
    text.className = 'item-text';
    const name = Object.assign(document.createElement('strong'), { textContent: item.name });
    const detail = Object.assign(document.createElement('span'), { className: 'small muted', textContent: item.detail });
    const price = Object.assign(document.createElement('span'), { className: 'small', textContent: `${money(item.price)} ${item.unit}` });
    text.append(name, detail, price);
    const deposit = Object.assign(document.createElement('span'), { className: 'deposit', textContent: `Deposit ${money(item.deposit)}` });
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

const BAND_LABELS = { poor: 'Poor', fair: 'Fair', good: 'Good', very_good: 'Very good', excellent: 'Excellent' };

function decisionText(result, item) {
  switch (result.decision) {
    case 'deposit_free':
      return ['ok', 'Deposit-free', `No deposit for the ${item.name.toLowerCase()} (normally ${money(item.deposit)}).`];
    case 'reduced_deposit':
      return ['warn', `Reduced deposit: ${money(result.deposit)}`, `${result.deposit_percent}% of the ${money(item.deposit)} deposit.`];
    case 'deposit_required':
      return ['warn', `Deposit required: ${money(result.deposit)}`, 'Your credit band does not qualify for a lower deposit on this item.'];
    default:
      return ['warn', 'Referred for review', 'This order needs a person to look at it; we will be in touch.'];
  }
}

function instantText(local, item) {
  if (local.code) return `Instant check in this page: refused (${local.code}).`;
  const [, headline] = decisionText(local.result, item);
  return `Instant check in this page: ${BAND_LABELS[local.result.band] ?? local.result.band} band, ${headline.toLowerCase()}.`;
}

function showOutcome({ tone, headline, detail, rule, instant }) {
  const outcome = $('#outcome');
  outcome.hidden = false;
  outcome.className = `card outcome ${tone}`;
  $('#verdict').textContent = headline;
  $('#verdict-detail').textContent = detail;
  $('#verdict-rule').textContent = rule;
  $('#instant').textContent = instant;
}

/** Shows the edge worker's answer (the one that counts) beside the page's instant check. */
function showAnswer(answer, local, item) {
  const instant = instantText(local, item);
  $('#confirm').hidden = true;
  $('#confirmation').hidden = true;
  const code = answer.body?.error?.code;
  if (answer.status !== 200) {
    const [title, detail] = REJECTIONS[code] ?? UNVERIFIED;
    showOutcome({
      tone: 'bad',
      headline: `Presentation rejected: ${title}`,
      detail,
      rule: `Edge worker: HTTP ${answer.status}, ${code ?? 'no code'}. Nothing was rented.`,
      instant,
    });
    $('#outcome').dataset.code = code ?? '';
    $('#outcome').dataset.decision = 'rejected';
    return;
  }
  const result = answer.body;
  const [tone, headline, detail] = decisionText(result, item);
  showOutcome({
    tone,
    headline,
    detail,
    rule: `Decided by our edge worker: band ${BAND_LABELS[result.band] ?? result.band}, rule "${result.rule}" (model ${result.model.id} ${result.model.version}${result.model.demo ? ', DEMO' : ''}).`,
    instant,
  });
  $('#outcome').dataset.code = '';
  $('#outcome').dataset.decision = result.decision;
  if (result.decision !== 'refer') {
    const confirm = $('#confirm');
    confirm.hidden = false;
    confirm.textContent = `Rent the ${item.name.toLowerCase()}: pay ${money(result.deposit)} deposit`;
    confirm.onclick = () => {
      confirm.hidden = true;
      $('#confirmation').hidden = false;
      $('#confirmation-detail').textContent =
        `${item.name}, ${money(item.price)} ${item.unit}, deposit ${money(result.deposit)}. (Demo: nothing is charged.)`;
    };
  }
}

function showProblem(error) {
  showOutcome({ tone: 'bad', headline: 'Something went wrong', detail: error.message, rule: '', instant: '' });
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
  showOutcome({ tone: '', headline: 'Checking with our edge worker…', detail: '', rule: '', instant: instantText(local, attempt.item) });
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
    const purpose = `${attempt.item.name} rental, deposit ${money(attempt.item.deposit)}`;
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
    showOutcome({ tone: 'warn', headline: 'You declined', detail: 'Nothing was shared. The usual deposit applies.', rule: '', instant: '' });
  }
}

async function main() {
  await init();
  const [catalog, model] = await Promise.all([fetch('/checkout/catalog.json'), fetch(RENTALS_MODEL)]);
  state.catalog = await catalog.json();
  state.rentalsModel = (await model.text()).trim();
  renderItems();
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
