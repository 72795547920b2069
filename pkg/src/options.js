// The Scorer's options: edgescore's names, the jose names that mean the same thing, and the
// jose names that have no meaning here (refused with a message that says what to do instead).

import { configError, EdgescoreError } from './errors.js';

/** Types of plain values, each check throwing `ERR_CONFIG_INVALID` (or `code`) with `what`. */
export function text(value, what, code = 'ERR_MALFORMED') {
  if (typeof value !== 'string') throw new EdgescoreError(code, `${what} must be a string`);
  return value;
}

export function optionalText(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw configError(`${what} must be a string`);
  return value;
}

/** An object or its JSON text, as JSON text. */
export function optionalDocument(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  throw configError(`${what} must be an object or JSON text`);
}

export function optionalSeconds(value, what) {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw configError(`"${what}" must be whole seconds, not negative`);
  return value;
}

/** Seconds since the epoch: `now` when given, else the clock. */
export function epochSeconds(value, what = 'now') {
  const at = value ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(at) || at < 0) throw configError(`"${what}" must be whole seconds since the epoch`);
  return at;
}

/** A string, or an array of strings, as an array. */
export function stringList(value, what) {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw configError(`"${what}" must be a string or an array of strings`);
  }
  return [...list];
}

// jose's time spans ("30s", "5 minutes", "2 hours"): the same units, a year of 365.25 days.
const UNITS = [
  [/^(?:s|secs?|seconds?)$/, 1],
  [/^(?:m|mins?|minutes?)$/, 60],
  [/^(?:h|hrs?|hours?)$/, 3600],
  [/^(?:d|days?)$/, 86400],
  [/^(?:w|weeks?)$/, 604800],
  [/^(?:y|yrs?|years?)$/, 31557600],
];

/** Seconds from a number of seconds or a jose time span, rounded to whole seconds. */
export function duration(value, what) {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw configError(`"${what}" must be seconds, not negative`);
    return Math.round(value);
  }
  const match = typeof value === 'string' ? /^(\d+|\d+\.\d+) ?([a-z]+)$/i.exec(value.trim()) : null;
  const unit = match && UNITS.find(([pattern]) => pattern.test(match[2].toLowerCase()));
  if (!unit) throw configError(`"${what}" must be seconds or a time span such as "30s", "5 minutes" or "2 hours"`);
  return Math.round(Number(match[1]) * unit[1]);
}

/** The Scorer's own option names. */
export const SCORER_OPTIONS = Object.freeze([
  'jwks', 'model', 'modelJwks', 'policy', 'audience', 'issuers', 'leewaySeconds', 'maxAgeSeconds',
  'requireBinding', 'presentationMaxAgeSeconds', 'statusLists', 'receiptKey',
]);

/** jose's `jwtVerify` options accepted with jose's meaning, and the edgescore option they set. */
const JOSE_SYNONYMS = Object.freeze({
  issuer: 'issuers',
  clockTolerance: 'leewaySeconds',
  maxTokenAge: 'maxAgeSeconds',
});

/** jose's options that mean nothing here, with what to do instead. */
const JOSE_REFUSED = Object.freeze({
  algorithms: 'edgescore accepts EdDSA and Ed25519 only, always (the allow-list is fixed): remove "algorithms"',
  currentDate: 'the time is an option of each call: score(presentation, { now }) in seconds since the epoch',
  requiredClaims: 'edgescore always requires iss, sub, iat, exp, vct and features (docs/formats.md): remove "requiredClaims"',
  subject: 'a snapshot\'s "sub" is pseudonymous and not known in advance: read it from result.claims.sub',
  crit: 'edgescore refuses every "crit" header: remove "crit"',
  maxTokenAgeSeconds: 'use "maxAgeSeconds" (or jose\'s "maxTokenAge")',
  audiences: 'use "audience", a string or an array of strings',
  statusList: 'use "statusLists", an array of status list tokens',
  leeway: 'use "leewaySeconds" (or jose\'s "clockTolerance")',
});

const SNAPSHOT_TYPES = new Set(['dc+sd-jwt', 'application/dc+sd-jwt']);

/** Levenshtein distance, for suggesting the option meant. */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * The Scorer's options under edgescore's names: jose's synonyms moved to theirs (both given is
 * an error), jose's `typ` checked, and every other name refused with what to use instead.
 */
export function scorerOptions(config) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw configError('new Scorer() takes a configuration object');
  }
  const options = {};
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (SCORER_OPTIONS.includes(name)) {
      options[name] = value;
    } else if (name in JOSE_SYNONYMS) {
      const own = JOSE_SYNONYMS[name];
      if (config[own] !== undefined) throw configError(`"${name}" and "${own}" mean the same thing: give one`);
      options[own] = name === 'clockTolerance' ? duration(value, name)
        : name === 'maxTokenAge' ? (value === null ? null : duration(value, name))
          : value;
    } else if (name === 'typ') {
      if (typeof value !== 'string' || !SNAPSHOT_TYPES.has(value.toLowerCase())) {
        throw configError('snapshots are always checked for typ "dc+sd-jwt"; "typ" may only say that');
      }
    } else if (name in JOSE_REFUSED) {
      throw configError(`unknown Scorer option "${name}": ${JOSE_REFUSED[name]}`);
    } else {
      // A typo of an option, with or without its unit ("leewway" for leewaySeconds).
      const typed = name.toLowerCase();
      const near = SCORER_OPTIONS.find((known) => [known, known.replace(/Seconds$/, '')]
        .some((form) => distance(form.toLowerCase(), typed) <= 2));
      throw configError(`unknown Scorer option "${name}"${near ? `: did you mean "${near}"?` : ''} (options: ${SCORER_OPTIONS.join(', ')})`);
    }
  }
  return options;
}
