// The wallet webview: the person's own view of their snapshot (score, band, five dimensions,
// reasons, how the model works) and "show to merchant", which makes a presentation (a
// key-binding JWS) for a merchant's nonce and audience. Everything is computed here, from the
// snapshot and the pinned issuer keys and models; nothing calls the bureau.
//
// Opened by a checkout in an iframe, it answers the checkout's request with postMessage
// (same origin only). Demo: the snapshots and holder keys come from /demo-data/.
import { EdgescoreError, Holder, init, newNonce, Scorer } from '/pkg/edgescore.js';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from '/pkg/wasm/demo.js';
import { MESSAGE } from '/shared/messages.mjs';

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

// The demo manifest describes its people in English; these are the wallet's own Chinese.
const DEMO_ABOUT_ZH = {
  lin: '长期使用先享后付，始终按时还款，住址和手机号稳定',
  chen: '年轻职场人：信用账户多，偶有逾期，额度使用率高',
  wang: '按时缴费但尚无信用记录（薄档案），收入一般',
  zhao: '有一次逾期超过90天，水电费缴纳不及时，近期搬家，新换手机号',
  liu: '有一笔违约贷款和一次逾期超过90天，未实名认证',
  mei: '网上茶叶店，入驻平台不到两年，销售尚不稳定',
};

const TEXT = {
  en: {
    title: 'My credit',
    person: 'Person',
    scoreHeading: 'Score',
    band: 'Band',
    dimensions: 'Five dimensions',
    reasons: 'What lowered your score',
    noReasons: 'Nothing lowered your score.',
    points: (n) => `−${n} pts`,
    expires: (date, days) => `Snapshot valid until ${date} (${days} ${days === 1 ? 'day' : 'days'} left)`,
    expired: (date) => `Snapshot expired on ${date}`,
    model: (id, version) => `Scored here with ${id} ${version}, signed by the bureau`,
    notScored: 'no data',
    weight: (percent) => `weight ${percent}%`,
    howScored: 'How you are scored',
    howHelp: 'Every characteristic the bureau\'s model reads, and its weight: the share of all points it can move.',
    show: 'Show to merchant',
    showHelp: 'Enter the merchant\'s id and the one-time code (nonce) it shows you.',
    merchantId: 'Merchant id',
    nonce: 'One-time code (nonce)',
    proof: 'Proof for the merchant (key-binding JWS)',
    snapshotOut: 'With your snapshot (signed by the bureau)',
    needNonce: 'Enter the merchant\'s one-time code first.',
    decline: 'Decline',
    requestTitle: 'A merchant asks to check your credit',
    requestShares: 'Shared: your bureau-signed snapshot and a one-time proof made for this merchant and this request. The merchant\'s check returns your band, not your score.',
    demoTools: 'Demo tools (for testing)',
    sendAs: 'When showing to a merchant, send',
    sendIssued: 'the snapshot as issued',
    sendTampered: 'a snapshot with edited features (tampered)',
    sendExpired: 'an expired snapshot (issued 40 days ago)',
    sendOtherMerchant: 'a proof made for another merchant',
    demoNote: 'Demo wallet: the snapshot and the holder key are loaded from the demo data. A real wallet creates the key on this device and never lets it leave.',
    gauge: (score, band) => `Score ${score} of 350–950, ${band}`,
    cannotScore: (message) => `This snapshot cannot be shown: ${message}`,
  },
  zh: {
    title: '我的信用',
    person: '用户',
    scoreHeading: '评分',
    band: '等级',
    dimensions: '五个维度',
    reasons: '拉低评分的主要原因',
    noReasons: '没有拉低评分的因素。',
    points: (n) => `−${n} 分`,
    expires: (date, days) => `快照有效期至 ${date}（剩余 ${days} 天）`,
    expired: (date) => `快照已于 ${date} 过期`,
    model: (id, version) => `在本机用征信机构签名的模型 ${id} ${version} 评分`,
    notScored: '无数据',
    weight: (percent) => `权重 ${percent}%`,
    howScored: '评分方式',
    howHelp: '征信模型读取的每一项特征及其权重（它能影响的分数占全部分数的比例）。',
    show: '出示给商家',
    showHelp: '输入商家标识和商家提供的一次性验证码（nonce）。',
    merchantId: '商家标识',
    nonce: '一次性验证码（nonce）',
    proof: '给商家的证明（密钥绑定 JWS）',
    snapshotOut: '以及您的快照（征信机构签名）',
    needNonce: '请先输入商家的一次性验证码。',
    decline: '拒绝',
    requestTitle: '商家请求查看您的信用',
    requestShares: '将分享：征信机构签名的快照，以及仅限本商家、本次请求使用的一次性证明。商家的核验只返回您的信用等级，不返回评分。',
    demoTools: '演示工具（测试用）',
    sendAs: '出示给商家时发送',
    sendIssued: '原始签发的快照',
    sendTampered: '篡改过特征的快照',
    sendExpired: '已过期的快照（40 天前签发）',
    sendOtherMerchant: '为其他商家生成的证明',
    demoNote: '演示钱包：快照和持有者密钥从演示数据加载。真实的钱包在本机生成密钥，密钥永不离开设备。',
    gauge: (score, band) => `评分 ${score}（350–950），${band}`,
    cannotScore: (message) => `无法显示此快照：${message}`,
  },
};

const $ = (selector) => document.querySelector(selector);
const SVG = 'http://www.w3.org/2000/svg';

const state = {
  lang: localStorage.getItem('edgescore-wallet-lang') === 'zh' ? 'zh' : 'en',
  people: [],
  person: null, // { id, name, about, model, snapshot, holder, scorer, result, info, error }
  request: null, // a merchant's request: { nonce, aud, merchant, purpose }
};

const t = (key, ...args) => {
  const entry = TEXT[state.lang][key];
  return typeof entry === 'function' ? entry(...args) : entry;
};

function element(tag, { className, text, attrs } = {}, children = []) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  if (className) node.setAttribute('class', className);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

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
  render();
}

// ---- rendering ----

function formatDate(seconds) {
  return new Intl.DateTimeFormat(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' })
    .format(new Date(seconds * 1000));
}

function polar(angle, radius) {
  const radians = (angle * Math.PI) / 180;
  return [120 + radius * Math.sin(radians), 120 - radius * Math.cos(radians)];
}

function arc(fromAngle, toAngle, radius) {
  const [x1, y1] = polar(fromAngle, radius);
  const [x2, y2] = polar(toAngle, radius);
  const large = toAngle - fromAngle > 180 ? 1 : 0;
  return `M ${x1.toFixed(2)} ${y1.toFixed(2)} A ${radius} ${radius} 0 ${large} 1 ${x2.toFixed(2)} ${y2.toFixed(2)}`;
}

/** The 350–950 gauge: a 240° arc in band colours, a marker at the score. */
function renderGauge(result, info) {
  const gauge = $('#gauge');
  const [min, max] = info.score_range;
  const angle = (value) => -120 + (240 * (Math.min(Math.max(value, min), max) - min)) / (max - min);
  const title = gauge.querySelector('title');
  gauge.replaceChildren(title);
  gauge.append(element('svg:path', { className: 'track', attrs: { d: arc(-120, 120, 92) } }));
  info.bands.forEach((band, index) => {
    const end = info.bands[index + 1]?.min ?? max;
    const gap = index < info.bands.length - 1 ? 0.8 : 0;
    gauge.append(element('svg:path', {
      className: `segment band-${Math.min(index, 4)}`,
      attrs: { d: arc(angle(band.min), angle(end) - gap, 92) },
    }));
  });
  if (result) {
    const [x, y] = polar(angle(result.score), 92);
    gauge.append(element('svg:circle', { className: 'marker', attrs: { cx: x.toFixed(2), cy: y.toFixed(2), r: 9 } }));
    gauge.append(element('svg:text', { className: 'score', text: String(result.score), attrs: { id: 'score', x: 120, y: 122 } }));
    title.textContent = t('gauge', result.score, result.band_label[state.lang]);
  } else {
    gauge.append(element('svg:text', { className: 'score', text: '—', attrs: { id: 'score', x: 120, y: 122 } }));
    title.textContent = '';
  }
  gauge.append(element('svg:text', { className: 'range', text: String(min), attrs: { x: polar(-120, 92)[0], y: 182 } }));
  gauge.append(element('svg:text', { className: 'range', text: String(max), attrs: { x: polar(120, 92)[0], y: 182 } }));
}

function renderDimensions(result, info) {
  $('#dimensions').replaceChildren(...info.dimensions.map((dimension) => {
    const value = result?.dimensions[dimension.id] ?? null;
    const fill = element('div', { className: 'fill' });
    fill.style.width = `${value ?? 0}%`;
    return element('li', { attrs: { 'data-dimension': dimension.id } }, [
      element('span', { className: 'label', text: dimension.label[state.lang] }),
      element('span', { className: 'value', text: value === null ? t('notScored') : String(value) }),
      element('div', { className: 'track', attrs: { role: 'presentation' } }, [fill]),
      element('span', { className: 'weight', text: t('weight', dimension.weight_percent) }),
    ]);
  }));
}

function renderReasons(result) {
  const reasons = result?.reasons ?? [];
  $('#reasons').replaceChildren(...(reasons.length === 0
    ? [element('li', { className: 'none', text: result ? t('noReasons') : '' })]
    : reasons.map((reason) => element('li', { attrs: { 'data-code': reason.code } }, [
      element('span', { className: 'text', text: reason.text?.[state.lang] ?? reason.code }),
      element('span', { className: 'points', text: t('points', reason.points) }),
    ]))));
}

function renderCharacteristics(info) {
  $('#characteristics').replaceChildren(...info.dimensions.map((dimension) => element('section', {}, [
    element('h3', { text: `${dimension.label[state.lang]} · ${t('weight', dimension.weight_percent)}` }),
    element('ul', { className: 'characteristics' }, info.characteristics
      .filter((characteristic) => characteristic.dimension === dimension.id)
      .map((characteristic) => element('li', {}, [
        element('span', { text: characteristic.label?.[state.lang] ?? characteristic.feature }),
        element('span', { className: 'weight', text: `${characteristic.weight_percent}%` }),
      ]))),
  ])));
}

function render() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = t(node.dataset.text);
  for (const button of document.querySelectorAll('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  const person = state.person;
  if (person === null) return;
  $('#person').value = person.id;
  $('#person-about').textContent = (state.lang === 'zh' ? DEMO_ABOUT_ZH[person.id] : undefined) ?? person.about;
  const { result, info, error } = person;
  $('#problem').hidden = error === undefined;
  $('#problem').textContent = error ? t('cannotScore', error.message) : '';
  renderGauge(result, info);
  $('#band').textContent = result ? result.band_label[state.lang] : '—';
  $('#band').dataset.band = result?.band ?? '';
  $('#expiry').textContent = result ? expiryText(result.snapshot.expires_at) : '';
  $('#model').textContent = t('model', info.id, info.version);
  renderDimensions(result, info);
  renderReasons(result);
  renderCharacteristics(info);
  renderRequest();
}

function expiryText(expiresAt) {
  const left = expiresAt - Date.now() / 1000;
  return left <= 0 ? t('expired', formatDate(expiresAt)) : t('expires', formatDate(expiresAt), Math.ceil(left / 86_400));
}

function renderRequest() {
  const request = state.request;
  $('#request').hidden = request === null;
  $('#show-card').hidden = request !== null;
  if (request === null) return;
  $('#request-merchant').textContent = request.merchant;
  $('#request-aud').textContent = request.aud;
  $('#request-purpose').textContent = request.purpose;
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
    $('#show-nonce').setCustomValidity(t('needNonce'));
    $('#show-nonce').reportValidity();
    return;
  }
  $('#show-nonce').setCustomValidity('');
  const { snapshot, presentation } = await presentationFor(nonce, aud);
  $('#show-presentation').value = presentation;
  $('#show-snapshot').value = snapshot;
  $('#show-output').hidden = false;
}

// The checkout that opened this wallet: our parent frame (or opener), same origin only.
const merchantWindow = window.parent !== window ? window.parent : window.opener;

function post(message) {
  merchantWindow.postMessage(message, location.origin);
}

function listenToMerchant() {
  if (!merchantWindow) return;
  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || event.source !== merchantWindow) return;
    const data = event.data;
    if (data?.type !== MESSAGE.request) return;
    if (![data.nonce, data.aud, data.merchant, data.purpose].every((value) => typeof value === 'string' && value.length > 0)) return;
    state.request = { nonce: data.nonce, aud: data.aud, merchant: data.merchant, purpose: data.purpose };
    renderRequest();
  });
  $('#request-show').addEventListener('click', async () => {
    const { nonce, aud } = state.request;
    const { snapshot, presentation } = await presentationFor(nonce, aud);
    state.request = null;
    renderRequest();
    post({ type: MESSAGE.presentation, snapshot, presentation });
  });
  $('#request-decline').addEventListener('click', () => {
    state.request = null;
    renderRequest();
    post({ type: MESSAGE.declined });
  });
  post({ type: MESSAGE.ready });
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
      render();
    });
  }
  $('#show-make').addEventListener('click', showStandalone);
  const wanted = new URLSearchParams(location.search).get('person') ?? localStorage.getItem('edgescore-wallet-person');
  await selectPerson(wanted);
  document.body.dataset.ready = 'true';
  listenToMerchant();
}

function showFailure(error) {
  $('#problem').hidden = false;
  $('#problem').textContent = t('cannotScore', error.message);
}

main().catch(showFailure);
