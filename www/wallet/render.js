// The wallet's page from its state: the score gauge, band, expiry, five dimensions, reasons,
// "how you are scored" and a merchant's request, in the chosen language. Rendering reads the
// state and writes the DOM; it changes no state and scores nothing.
import { aboutPerson, formatDate, pageLanguage, translate } from './strings.js';

export const $ = (selector) => document.querySelector(selector);
const SVG = 'http://www.w3.org/2000/svg';

/** An element (`svg:` prefix for SVG) with a class, text, attributes and children. */
export function element(tag, { className, text, attrs } = {}, children = []) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  if (className) node.setAttribute('class', className);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
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
function renderGauge(result, info, lang) {
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
    title.textContent = translate(lang, 'gauge', result.score, result.band_label[lang]);
  } else {
    gauge.append(element('svg:text', { className: 'score', text: '—', attrs: { id: 'score', x: 120, y: 122 } }));
    title.textContent = '';
  }
  gauge.append(element('svg:text', { className: 'range', text: String(min), attrs: { x: polar(-120, 92)[0], y: 182 } }));
  gauge.append(element('svg:text', { className: 'range', text: String(max), attrs: { x: polar(120, 92)[0], y: 182 } }));
}

function renderDimensions(result, info, lang) {
  $('#dimensions').replaceChildren(...info.dimensions.map((dimension) => {
    const value = result?.dimensions[dimension.id] ?? null;
    const fill = element('div', { className: 'fill' });
    fill.style.width = `${value ?? 0}%`;
    return element('li', { attrs: { 'data-dimension': dimension.id } }, [
      element('span', { className: 'label', text: dimension.label[lang] }),
      element('span', { className: 'value', text: value === null ? translate(lang, 'notScored') : String(value) }),
      element('div', { className: 'track', attrs: { role: 'presentation' } }, [fill]),
      element('span', { className: 'weight', text: translate(lang, 'weight', dimension.weight_percent) }),
    ]);
  }));
}

// The result ranks reason codes as PMML does, zero totals included; a code at zero points did
// not lower the score, so the wallet shows only those above zero.
function renderReasons(result, lang) {
  const reasons = (result?.reasons ?? []).filter((reason) => reason.points > 0);
  $('#reasons').replaceChildren(...(reasons.length === 0
    ? [element('li', { className: 'none', text: result ? translate(lang, 'noReasons') : '' })]
    : reasons.map((reason) => element('li', { attrs: { 'data-code': reason.code } }, [
      element('span', { className: 'text', text: reason.text?.[lang] ?? reason.code }),
      element('span', { className: 'points', text: translate(lang, 'points', reason.points) }),
    ]))));
}

function renderCharacteristics(info, lang) {
  $('#characteristics').replaceChildren(...info.dimensions.map((dimension) => element('section', {}, [
    element('h3', { text: `${dimension.label[lang]} · ${translate(lang, 'weight', dimension.weight_percent)}` }),
    element('ul', { className: 'characteristics' }, info.characteristics
      .filter((characteristic) => characteristic.dimension === dimension.id)
      .map((characteristic) => element('li', {}, [
        element('span', { text: characteristic.label?.[lang] ?? characteristic.feature }),
        element('span', { className: 'weight', text: `${characteristic.weight_percent}%` }),
      ]))),
  ])));
}

function expiryText(expiresAt, lang) {
  const left = expiresAt - Date.now() / 1000;
  return left <= 0
    ? translate(lang, 'expired', formatDate(lang, expiresAt))
    : translate(lang, 'expires', formatDate(lang, expiresAt), Math.ceil(left / 86_400));
}

/**
 * The whole page for `state` (`lang`, `person`, `request`): every `data-text` element in the
 * language, then the person's result, or the reason it could not be scored.
 */
export function render(state) {
  const { lang } = state;
  document.documentElement.lang = pageLanguage(lang);
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = translate(lang, node.dataset.text);
  for (const button of document.querySelectorAll('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  const person = state.person;
  if (person === null) return;
  $('#person').value = person.id;
  $('#person-about').textContent = aboutPerson(lang, person.id, person.about);
  const { result, info, error } = person;
  $('#problem').hidden = error === undefined;
  $('#problem').textContent = error ? problemText(lang, error) : '';
  $('#problem').dataset.code = error?.code ?? '';
  renderGauge(result, info, lang);
  $('#band').textContent = result ? result.band_label[lang] : '—';
  $('#band').dataset.band = result?.band ?? '';
  $('#expiry').textContent = result ? expiryText(result.snapshot.expires_at, lang) : '';
  $('#model').textContent = translate(lang, 'model', info.id, info.version);
  renderDimensions(result, info, lang);
  renderReasons(result, lang);
  renderCharacteristics(info, lang);
  renderRequest(state);
}

/** Why the person's snapshot cannot be shown: a revocation in the person's words, else the message. */
function problemText(lang, error) {
  if (error.code === 'ERR_REVOKED') return translate(lang, 'revoked');
  if (error.code === 'ERR_SUSPENDED') return translate(lang, 'suspended');
  if (error.code === 'ERR_NOT_YET_VALID') return translate(lang, 'clockBehind');
  return translate(lang, 'cannotScore', error.message);
}

/** A feature's name for the person: the wallet model's label for it, else its id. */
function featureLabel(info, feature, lang) {
  return info.characteristics.find((characteristic) => characteristic.feature === feature)?.label?.[lang] ?? feature;
}

/**
 * The merchant's request card in place of "show to merchant" while a request is open: who
 * asks, for what, and exactly which features go to them (and how many stay here).
 */
export function renderRequest(state) {
  const open = state.request;
  $('#request').hidden = open === null;
  $('#show-card').hidden = open !== null;
  if (open === null) return;
  const { lang, person } = state;
  const { disclosed } = open;
  $('#request-merchant').textContent = open.merchant;
  $('#request-aud').textContent = disclosed.aud;
  $('#request-purpose').textContent = open.purpose;
  $('#request-features-heading').textContent = translate(lang, 'requestFeatures', disclosed.features.length);
  $('#request-features').replaceChildren(...disclosed.features.map((feature) => element('li', {
    text: featureLabel(person.info, feature, lang),
    attrs: { 'data-feature': feature },
  })));
  $('#request-model').textContent = translate(lang, 'requestModel', disclosed.model.id, disclosed.model.version);
  const kept = person.disclosable.filter((name) => !disclosed.features.includes(name)).length;
  $('#request-withheld').textContent = kept > 0 ? translate(lang, 'requestWithheld', kept) : '';
  $('#request-status').hidden = person.error === undefined;
  $('#request-status').textContent = person.error ? problemText(lang, person.error) : '';
}

/** A failure before or while loading a person, in the problem line. */
export function renderFailure(state, error) {
  $('#problem').hidden = false;
  $('#problem').textContent = translate(state.lang, 'cannotScore', error.message);
}
