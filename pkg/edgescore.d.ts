// Types of the edgescore JavaScript package (every entry point: browsers, Node.js, workerd).
//
// Self-contained: they need neither the DOM library nor @types/node. Inputs that are runtime
// objects (a URL, a fetch Response, a compiled WebAssembly module) are described by what the
// package reads of them, so the real ones fit wherever a program's libraries declare them.
// Optional inputs accept `undefined` (for `exactOptionalPropertyTypes`); results leave out what
// they do not have.

// Generated from the list in src/error.rs: do not edit; `EDGESCORE_BLESS=1 cargo test --features cli error_codes` rewrites it.
/** Every error code the package reports (docs/errors.md). Codes are API; messages are not. */
export type ErrorCode =
  /** not a well-formed token, JSON document or key: bad base64url (padding, whitespace, trailing bits, wrong alphabet), bad or duplicate-member JSON, wrong shape or member type */
  | 'ERR_MALFORMED'
  /** larger than a cap, or nested deeper than 10 levels */
  | 'ERR_TOO_LARGE'
  /** `alg` missing or not `EdDSA`/`Ed25519` (`none`, `HS256`, `RS256`, …) */
  | 'ERR_ALG_NOT_ALLOWED'
  /** a refused header member (`jwk`, `jku`, `x5u`, `x5c`, `x5t`, `x5t#S256`, `crit`, `b64`, `zip`, `cty`, `enc`) */
  | 'ERR_HEADER_NOT_ALLOWED'
  /** `typ` missing or naming another kind of token (a key-binding JWT, a model or a status list given as a snapshot) */
  | 'ERR_WRONG_TYPE'
  /** no `kid`, or no key in the JWKS with that `kid` */
  | 'ERR_UNKNOWN_KID'
  /** a key is not an acceptable Ed25519 public key (type, curve, private member, weak, non-canonical or mixed-order point, duplicate `kid`, wrong `use`/`alg`) */
  | 'ERR_KEY_INVALID'
  /** the signature does not verify (tampered, forged, malleated, wrong length) */
  | 'ERR_SIGNATURE_INVALID'
  /** `exp` of the snapshot or of the key-binding JWT is past, beyond the leeway */
  | 'ERR_EXPIRED'
  /** `nbf` or `iat` of the snapshot, or `iat` of the key-binding JWT, is in the future beyond the leeway (a clock that is ahead) */
  | 'ERR_NOT_YET_VALID'
  /** the snapshot or the key-binding JWT was issued longer ago than its maximum age (plus the leeway) */
  | 'ERR_TOO_OLD'
  /** `iss` not on the verifier's allow-list */
  | 'ERR_ISSUER'
  /** the snapshot's `aud` or the key-binding JWT's `aud` is not the verifier's audience, or the verifier has none configured */
  | 'ERR_AUDIENCE'
  /** a required claim is missing, or a claim has the wrong type or an impossible value */
  | 'ERR_CLAIM_INVALID'
  /** a bound snapshot without a key-binding JWT, a key-binding JWT not signed by the `cnf` key, a wrong or missing `sd_hash`, a key-binding JWT on an unbound snapshot (a key-binding JWT's clock errors have the clock codes) */
  | 'ERR_HOLDER_BINDING'
  /** the key-binding JWT carries another nonce than the verifier issued (a replay) */
  | 'ERR_NONCE_MISMATCH'
  /** the SD-JWT's selective disclosures break an RFC 9901 rule: a disclosure sent twice or referenced by no digest, a digest listed twice, a disclosure that would overwrite a claim or names `_sd` or `...`, the wrong shape for where its digest is, an `_sd_alg` other than `sha-256`, or a claim that must be signed in the clear (`iss`, `iat`, `exp`, `cnf`, `vct`, `status`, …) disclosed selectively */
  | 'ERR_DISCLOSURE_INVALID'
  /** a feature the verifier's model reads was not disclosed (a holder cannot hide a feature that hurts them: it is refused, never scored as missing) */
  | 'ERR_FEATURE_NOT_DISCLOSED'
  /** the snapshot's entry in the issuer's status list says it is revoked (`INVALID`) */
  | 'ERR_REVOKED'
  /** the snapshot's entry in the issuer's status list says it is suspended */
  | 'ERR_SUSPENDED'
  /** the snapshot's `status` claim cannot be checked: not a `status_list` reference `{idx, uri}`, an index beyond the list, or a status value edgescore does not know; or no `status` claim where the policy requires one (`status.required`) */
  | 'ERR_STATUS_INVALID'
  /** a status list token is not acceptable: its claims (`sub`, `iat`, `exp`, `ttl`, `status_list`), `bits` other than 1, 2, 4 or 8, or a list that does not inflate (ZLIB) */
  | 'ERR_STATUS_LIST_INVALID'
  /** the verifier holds no current status list for the snapshot's status URI (none given, or it expired or is older than the policy allows) and its policy refuses in that case */
  | 'ERR_STATUS_UNAVAILABLE'
  /** the model is not valid (structure, types, unknown members, empty ranges, reason codes without texts, bands) */
  | 'ERR_MODEL_INVALID'
  /** a model or policy `format_version` this build does not read */
  | 'ERR_UNSUPPORTED_VERSION'
  /** the snapshot's feature schema is not the model's */
  | 'ERR_SCHEMA_MISMATCH'
  /** a feature has the wrong type, is outside its declared range, is unknown to the schema, has too many digits, or matches no bin */
  | 'ERR_FEATURE_INVALID'
  /** the policy is not valid (rules, decisions, amounts, a band the model does not have) */
  | 'ERR_POLICY_INVALID'
  /** the order context is not valid (amount types, unknown members, currency) */
  | 'ERR_CONTEXT_INVALID'
  /** the verifier's own options are not valid (leeway, ages, audience conflicting with the policy's, disclosure) */
  | 'ERR_CONFIG_INVALID'
  /** the WebAssembly module trapped (a bug in edgescore); it was restarted, and the call can be retried. The rentals gate answers it (500) to anything it did not expect */
  | 'ERR_INTERNAL'
  /** a remote key set could not be fetched (network error, timeout, a status other than 200, a body too large or not a JWKS with a usable key) and no keys were held from an earlier fetch */
  | 'ERR_KEY_SET_UNAVAILABLE';
// End of the generated error codes.

/** `ERROR_CODES`: every code, in documentation order; `includes` takes any string and narrows it. */
export interface ErrorCodeList extends ReadonlyArray<ErrorCode> {
  includes(code: unknown, fromIndex?: number): code is ErrorCode;
}
export const ERROR_CODES: ErrorCodeList;

/** How the check on a claim failed, in jose's words (`JWTClaimValidationFailed.reason`). */
export type ClaimReason = 'missing' | 'invalid' | 'check_failed';

/** A rejected input or configuration: a real `Error` with a stable `code`. */
export class EdgescoreError extends Error {
  readonly name: 'EdgescoreError';
  readonly code: ErrorCode;
  /**
   * The claim (or feature) at fault, when one is: `exp`, `nbf`, `iat`, `iss`, `aud`, `nonce`,
   * `sd_hash`, `cnf`, `vct`, `status`, `sub`, or the name of a feature.
   */
  readonly claim?: string;
  /** How its check failed. */
  readonly reason?: ClaimReason;
  constructor(code: ErrorCode, message: string, detail?: { claim?: string | undefined; reason?: ClaimReason | undefined; cause?: unknown });
}

// ---------------------------------------------------------------------------------------------
// Loading the module

/** The program's `WebAssembly.Module` when its libraries declare one (DOM, WebWorker, @types/node, workers-types). */
export type CompiledModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never;
/** A URL: `URL` or anything with an `href`. */
export interface UrlLike {
  readonly href: string;
}
/** A fetch `Request`. */
export interface RequestLike {
  readonly url: string;
  readonly method: string;
}
/** A fetch `Response`, as far as the package reads one. */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly url: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
/** Where the module comes from: a URL, a `Response` (or a promise of one), bytes or a compiled module. */
export type ModuleInput =
  | string
  | UrlLike
  | RequestLike
  | ResponseLike
  | PromiseLike<ResponseLike>
  | ArrayBuffer
  | ArrayBufferView
  | CompiledModule;

/**
 * Loads the module. With no argument: in browsers (and Deno, web workers) it fetches the .wasm
 * next to the package's file; in Node it reads it from disk; in workerd and wrangler it uses
 * the module imported with the package. Safe to call more than once.
 */
export function init(input?: ModuleInput): Promise<void>;
/**
 * Loads the module synchronously: from a compiled module or its bytes, or, with no argument,
 * from disk in Node and from the imported module in workerd (browsers need an argument).
 */
export function initSync(module?: CompiledModule | ArrayBuffer | ArrayBufferView | { module: CompiledModule }): void;

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * A JWK as jose and JSON documents have it (jose's `JWK` fits): any key type may be in a
 * key set; those edgescore cannot use are skipped.
 */
export interface Jwk {
  kty?: string | undefined;
  crv?: string | undefined;
  x?: string | undefined;
  kid?: string | undefined;
  alg?: string | undefined;
  use?: string | undefined;
  key_ops?: readonly string[] | undefined;
  [member: string]: unknown;
}
/** A JSON Web Key Set (jose's `JSONWebKeySet` fits). */
export interface Jwks {
  keys: readonly Jwk[];
}
/** An Ed25519 public key as edgescore writes one. */
export type PublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
  alg?: string;
  use?: string;
};
/** An Ed25519 private key (a holder's, or a merchant's receipt key). */
export type PrivateJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
  kid?: string;
};
/** A key a key set left out, and why. */
export interface SkippedKey {
  /** Its place in the JWKS's `keys`. */
  index: number;
  kid?: string;
  kty?: string;
  reason: string;
}

/** Public keys from a JWKS held in memory: a bureau's, or a merchant's receipt keys. */
export interface LocalKeySet {
  /** The keys in use. */
  readonly keys: readonly PublicJwk[];
  /** The keys left out. */
  readonly skipped: readonly SkippedKey[];
  /** The keys in use, as a JWKS. */
  jwks(): { keys: PublicJwk[] };
}

/** Public keys fetched from a URL, as jose's `createRemoteJWKSet`. */
export interface RemoteKeySet {
  readonly url: string;
  /** Keys held and younger than `cacheMaxAge`. */
  readonly fresh: boolean;
  /** The last fetch (or attempt) was less than `cooldownDuration` ago. */
  readonly coolingDown: boolean;
  /** A fetch is under way. */
  readonly reloading: boolean;
  /** The keys in use (none before the first fetch). */
  readonly keys: readonly PublicJwk[];
  /** The keys of the last fetch left out. */
  readonly skipped: readonly SkippedKey[];
  /** Why the last fetch failed, when it did (the keys held before stay in use). */
  readonly lastError: EdgescoreError | undefined;
  /** The keys in use as a JWKS, or undefined before the first fetch. */
  jwks(): { keys: PublicJwk[] } | undefined;
  /** Fetches the set now; rejects (`ERR_KEY_SET_UNAVAILABLE`, `ERR_KEY_INVALID`) when the fetch fails. */
  reload(): Promise<void>;
}

export type KeySet = LocalKeySet | RemoteKeySet;

/** A fetch `Response`, as far as a remote key set reads one. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body?: { cancel(): Promise<void> } | null;
  text(): Promise<string>;
}

/** Options of `createRemoteKeySet`: jose's names and meanings (milliseconds). */
export interface RemoteKeySetOptions {
  /** How long fetched keys are used before they are fetched again; default 600000 (10 minutes). */
  cacheMaxAge?: number | undefined;
  /** The least time between two fetches caused by an unknown `kid`; default 30000. */
  cooldownDuration?: number | undefined;
  /** How long a fetch may take; default 5000. */
  timeoutDuration?: number | undefined;
  /** Headers sent with each request. */
  headers?: Record<string, string> | undefined;
  /** The fetch to use instead of the global one (a Workers service binding's, for example). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fetch?: ((url: string, init: any) => PromiseLike<FetchResponse>) | undefined;
}

/**
 * A key set from a JWKS (an object such as jose's `JSONWebKeySet`, or JSON text): keys
 * edgescore cannot use are left out and listed in `skipped`; `ERR_KEY_INVALID` when none is left.
 */
export function createLocalKeySet(jwks: Jwks | string): LocalKeySet;
/** A key set fetched from `url`, cached, and fetched again when a token names a `kid` it does not hold. */
export function createRemoteKeySet(url: string | UrlLike, options?: RemoteKeySetOptions): RemoteKeySet;

// ---------------------------------------------------------------------------------------------
// Policies, orders, results

export type Decision = 'deposit_free' | 'reduced_deposit' | 'deposit_required' | 'refer';
export type DimensionId =
  | 'credit_history'
  | 'behaviour_preferences'
  | 'fulfilment_capacity'
  | 'identity_traits'
  | 'relationships';

export interface Texts {
  en: string;
  zh: string;
}

/** One rule of a policy: the first whose conditions all hold decides. Amounts in minor units. */
export interface PolicyRule {
  id: string;
  description?: string | undefined;
  /** Band ids of the model; any band when left out. */
  bands?: readonly string[] | undefined;
  max_deposit?: number | undefined;
  min_deposit?: number | undefined;
  max_order_value?: number | undefined;
  min_order_value?: number | undefined;
  max_snapshot_age_seconds?: number | undefined;
  decision: Decision;
  /** For `reduced_deposit`: the share of the deposit taken, 1 to 99. */
  deposit_percent?: number | undefined;
}

/** A merchant's policy (docs/formats.md, "Policy"). */
export interface Policy {
  format_version: 1 | 2;
  id: string;
  description?: string | undefined;
  /** The merchant's audience id; must agree with the Scorer's `audience`. */
  audience?: string | undefined;
  /** ISO 4217 code of the amounts. */
  currency?: string | undefined;
  rules: readonly PolicyRule[];
  otherwise: Decision;
  /** Format 2: what to do with a snapshot whose status cannot be checked against a current list. */
  status?: { unavailable: 'refuse' | 'refer'; max_age_seconds?: number | undefined; required?: boolean | undefined } | undefined;
}

/** The default deposit-free rentals policy: what a Scorer applies when given none. */
export const DEFAULT_POLICY: Readonly<Policy>;

/** The order being decided, amounts in minor units (fen, cents). */
export interface OrderContext {
  deposit?: number | null | undefined;
  order_value?: number | null | undefined;
  /** ISO 4217 code, three capital letters. */
  currency?: string | null | undefined;
  /** The merchant's item reference (not used in decisions). */
  item?: string | null | undefined;
}

export type Disclose = 'band' | 'full';

/** The snapshot's verified claims: in every result, for audit and replay tracking. */
export interface VerifiedClaims {
  iss: string;
  /** Pseudonymous person id. */
  sub: string;
  jti?: string;
  iat: number;
  exp: number;
  /** For a bound snapshot: the holder key's RFC 7638 thumbprint (`jkt`, as RFC 9449 writes it). */
  cnf?: { jkt: string };
}

/** What every result carries: what a merchant needs. */
export interface BandResult {
  band: string;
  decision: Decision;
  /** The id of the policy rule that decided (`otherwise`, `status-unavailable`). */
  rule: string;
  /** The deposit to take, in minor units; null when the order context gave none. */
  deposit: number | null;
  /** For `reduced_deposit`: the share of the deposit taken. */
  deposit_percent?: number;
  /**
   * For a snapshot with a status list entry: `valid`, or `unavailable` when no current list
   * was held and the policy referred (the decision is then `refer`, rule `status-unavailable`).
   */
  status?: 'valid' | 'unavailable';
  model: { id: string; version: string; digest: string; demo?: true };
  disclosure: Disclose;
  claims: VerifiedClaims;
  /** With `score`'s `receipt` option: the decision receipt, a JWS signed with the `receiptKey`. */
  receipt?: string;
}

/** A `disclose: 'full'` result: also the score, sub-scores and reasons (for the holder themself). */
export interface FullResult extends BandResult {
  disclosure: 'full';
  score: number;
  score_range: [number, number];
  band_label: Texts;
  /** Sub-scores 0–100; null for a dimension the model has no characteristic in. */
  dimensions: Record<DimensionId, number | null>;
  /** Up to four, ranked as PMML does. */
  reasons: { code: string; points: number; text?: Texts }[];
  snapshot: { issued_at: number; expires_at: number; holder_bound: boolean };
}

/** A `disclose: 'band'` result (the default). */
export interface BandOnlyResult extends BandResult {
  disclosure: 'band';
}

export type ScoreResult = BandOnlyResult | FullResult;

interface ScoreOptionsBase {
  /** Seconds since the epoch; the current time when left out. */
  now?: number | undefined;
  /** The nonce this verifier issued for the presentation's key binding. */
  nonce?: string | undefined;
  context?: OrderContext | null | undefined;
  /** Sign a receipt of the decision with the Scorer's `receiptKey` (the result's `receipt`). */
  receipt?: ReceiptRequest | undefined;
}
export interface ScoreOptions extends ScoreOptionsBase {
  disclose?: Disclose | undefined;
}

export interface BatchItem {
  /** The presentation: an SD-JWT with its disclosures and key-binding JWT. */
  presentation: string;
  nonce?: string | undefined;
  context?: OrderContext | null | undefined;
}

export type BatchEntry<R extends ScoreResult = ScoreResult> =
  | { ok: true; result: R }
  | { ok: false; error: { code: ErrorCode; message: string; claim?: string; reason?: ClaimReason } };

/** The model a presentation request's features are for. */
export interface RequestedModel {
  id: string;
  version: string;
  digest: string;
  /** The feature schema it reads: a snapshot's `vct`. */
  vct: string;
}

/** What a verifier asks a holder to present (what the rentals gate's `GET /nonce` answers). */
export interface PresentationRequest {
  nonce: string;
  aud: string;
  expires_at: number;
  /** Exactly the features the model reads. */
  features: string[];
  model: RequestedModel;
  /** Other feature schemas the verifier accepts, each with its model's features. */
  alternatives?: { features: string[]; model: RequestedModel }[];
}

/** A status list the scorer holds. */
export interface StatusListInfo {
  uri: string;
  /** The issuer the list speaks for, when it names one. */
  iss: string | null;
  iat: number;
  exp: number | null;
  ttl: number | null;
  bits: 1 | 2 | 4 | 8;
  size: number;
}

/** What a model declares: for showing a person how they are scored. */
export interface ModelInfo {
  id: string;
  version: string;
  digest: string;
  demo: boolean;
  schema: string;
  score_range: [number, number];
  bands: { id: string; min: number; label: Texts }[];
  dimensions: { id: DimensionId; label: Texts; weight_percent: number }[];
  characteristics: {
    id: string;
    feature: string;
    dimension: DimensionId;
    reason_code: string;
    weight_percent: number;
    label?: Texts;
  }[];
}

/** The five dimensions, in result order, with their names. */
export const DIMENSIONS: readonly { readonly id: DimensionId; readonly label: Readonly<Texts> }[];

// ---------------------------------------------------------------------------------------------
// The verifier

/**
 * A Scorer's configuration. jose's `jwtVerify` names work too where they mean the same:
 * `issuer` (for `issuers`), `clockTolerance` (for `leewaySeconds`: seconds or a span such as
 * "30s"), `maxTokenAge` (for `maxAgeSeconds`), and `typ` when it says `dc+sd-jwt`; jose's
 * other options are refused with what to do instead.
 */
export interface ScorerConfig {
  /** The issuer's public keys: a JWKS (object or JSON text) or a key set. */
  jwks: Jwks | string | KeySet;
  /** The signed model (compact JWS). The demo models are in `edgescore/demo`. */
  model: string;
  /** The keys that verify `model`, when they are not `jwks`. */
  modelJwks?: Jwks | string | KeySet | undefined;
  /** The merchant policy (object or JSON text); `DEFAULT_POLICY` when left out. */
  policy?: Policy | string | undefined;
  /** This verifier's audience (merchant id), or several: requests name the first. */
  audience?: string | readonly string[] | undefined;
  /** Accepted `iss` values; any issuer in the key set when left out. */
  issuers?: string | readonly string[] | undefined;
  /** jose's name for `issuers`. */
  issuer?: string | readonly string[] | undefined;
  /** Clock leeway in seconds, default 60. */
  leewaySeconds?: number | undefined;
  /** jose's name for `leewaySeconds`: seconds, or a span such as "30s" or "2 minutes". */
  clockTolerance?: number | string | undefined;
  /** Oldest snapshot accepted in seconds (default 31 days); `null` for no limit beyond `exp`. */
  maxAgeSeconds?: number | null | undefined;
  /** jose's name for `maxAgeSeconds`: seconds, or a span such as "31 days". */
  maxTokenAge?: number | string | null | undefined;
  /** Refuse snapshots not bound to a holder key. */
  requireBinding?: boolean | undefined;
  /** Oldest key-binding JWT accepted in seconds, default 300. */
  presentationMaxAgeSeconds?: number | undefined;
  /** Status list tokens (`statuslist+jwt`) to hold from the start; see `Scorer.addStatusList`. */
  statusLists?: readonly string[] | undefined;
  /** jose's `typ`: snapshots are always checked for `dc+sd-jwt`, and only that may be given. */
  typ?: 'dc+sd-jwt' | 'application/dc+sd-jwt' | undefined;
  /** The merchant's private JWK (object or JSON text) that signs decision receipts. */
  receiptKey?: PrivateJwk | string | undefined;
}

export class Scorer {
  constructor(config: ScorerConfig);
  /** Fetches what remote key sets the scorer uses and builds it; not needed with local keys. */
  ready(): Promise<this>;
  /** Verifies a presentation (an SD-JWT), checks its status, scores it and decides. */
  score(presentation: string, options: ScoreOptionsBase & { disclose: 'full'; receipt: ReceiptRequest }): FullResult & WithReceipt;
  score(presentation: string, options: ScoreOptionsBase & { disclose?: 'band' | undefined; receipt: ReceiptRequest }): BandOnlyResult & WithReceipt;
  score(presentation: string, options: ScoreOptionsBase & { disclose: 'full' }): FullResult;
  score(presentation: string, options?: ScoreOptionsBase & { disclose?: 'band' | undefined }): BandOnlyResult;
  score(presentation: string, options?: ScoreOptions): ScoreResult;
  /** As `score`, fetching a remote key set's keys when stale, and again for a `kid` it does not hold. */
  scoreAsync(presentation: string, options: ScoreOptionsBase & { disclose: 'full'; receipt: ReceiptRequest }): Promise<FullResult & WithReceipt>;
  scoreAsync(presentation: string, options: ScoreOptionsBase & { disclose?: 'band' | undefined; receipt: ReceiptRequest }): Promise<BandOnlyResult & WithReceipt>;
  scoreAsync(presentation: string, options: ScoreOptionsBase & { disclose: 'full' }): Promise<FullResult>;
  scoreAsync(presentation: string, options?: ScoreOptionsBase & { disclose?: 'band' | undefined }): Promise<BandOnlyResult>;
  scoreAsync(presentation: string, options?: ScoreOptions): Promise<ScoreResult>;
  scoreBatch(items: readonly BatchItem[], options: { now?: number | undefined; disclose: 'full' }): BatchEntry<FullResult>[];
  scoreBatch(items: readonly BatchItem[], options?: { now?: number | undefined; disclose?: 'band' | undefined }): BatchEntry<BandOnlyResult>[];
  scoreBatch(items: readonly BatchItem[], options?: { now?: number | undefined; disclose?: Disclose | undefined }): BatchEntry[];
  /** Verifies a status list token and holds it (a newer one for the same URI replaces it). */
  addStatusList(token: string, options?: { now?: number | undefined }): StatusListInfo;
  /** As `addStatusList`, fetching a remote key set's keys as `scoreAsync` does. */
  addStatusListAsync(token: string, options?: { now?: number | undefined }): Promise<StatusListInfo>;
  /** The request for this scorer's model: the features it reads, a nonce, the audience. */
  presentationRequest(options: { nonce: string; expiresAt: number }): PresentationRequest;
  modelInfo(): ModelInfo;
}

// ---------------------------------------------------------------------------------------------
// Decision receipts

/**
 * What `score`'s `receipt` option asks for: `id` the decision id, `order` the merchant's order
 * reference (each 1 to 128 visible ASCII characters).
 */
export interface ReceiptRequest {
  id: string;
  order?: string | undefined;
}

/** A result scored with the `receipt` option. */
export interface WithReceipt {
  /** The decision receipt: a compact JWS (`typ` `edgescore-receipt+jwt`) signed with the `receiptKey`. */
  receipt: string;
}

/** What a decision receipt records (format_version 1; docs/formats.md, "Decision receipt"). */
export interface Receipt {
  format_version: 1;
  /** The merchant (the verifier's audience). */
  iss: string;
  /** The decision id. */
  jti: string;
  /** The decision time. */
  iat: number;
  decision: Decision;
  rule: string;
  band: string;
  deposit: number | null;
  deposit_percent?: number;
  status?: 'valid' | 'unavailable';
  model: { id: string; version: string; digest: string };
  /** The snapshot's issuer and `sha256:` hex of its `jti` (when it has one). */
  snapshot: { iss: string; jti_hash?: string };
  order: { reference?: string; item?: string; deposit?: number; order_value?: number; currency?: string };
  /** Only when the result disclosed it. */
  score?: number;
}

/** Options of `verifyReceipt` and `verifyReceiptAsync`. */
export interface VerifyReceiptOptions {
  /**
   * The merchant's public keys: a JWKS (object or JSON text), whose keys edgescore cannot use
   * are skipped as a Scorer's `jwks` skips them, or a key set (a remote one's keys as held;
   * `verifyReceiptAsync` fetches them).
   */
  keys: Jwks | string | KeySet;
  /** The merchant the receipt must be from. */
  issuer?: string | undefined;
  /** Seconds since the epoch; the current time when left out. A receipt issued later, beyond the leeway, is refused. */
  now?: number | undefined;
  /** Clock leeway in seconds, default 60. */
  leewaySeconds?: number | undefined;
}

/** A verified receipt: the `kid` of the key that signed it and what it records. */
export interface VerifiedReceipt {
  kid: string;
  receipt: Receipt;
}

/** Verifies a merchant's decision receipt with its public keys; throws `EdgescoreError`. */
export function verifyReceipt(token: string, options: VerifyReceiptOptions): VerifiedReceipt;
/**
 * As `verifyReceipt`, with a remote key set's keys fetched when none are held or they are
 * stale, and fetched again (unless cooling down) when the receipt names a `kid` it does not hold.
 */
export function verifyReceiptAsync(token: string, options: VerifyReceiptOptions): Promise<VerifiedReceipt>;

// ---------------------------------------------------------------------------------------------
// The holder

/** The names a holder's snapshot (an SD-JWT as issued) can disclose. */
export function disclosableNames(snapshot: string): string[];

/** What a holder would disclose for a request, and to whom: for showing the person first. */
export function disclosuresFor(
  snapshot: string,
  request: PresentationRequest,
): { aud: string; features: string[]; model: RequestedModel };

/** A fresh random nonce: 16 bytes from Web Crypto, base64url. */
export function newNonce(): string;

export class Holder {
  private constructor(privateJwk: string);
  static generate(): Holder;
  static fromPrivateJwk(jwk: PrivateJwk | string): Holder;
  publicJwk(): PublicJwk;
  toPrivateJwk(): PrivateJwk;
  /** A presentation for a verifier's request: exactly its features, and a key-binding JWT. */
  present(snapshot: string, request: PresentationRequest, options?: { now?: number | undefined }): string;
  /** A presentation of every feature (the holder's own view), bound to `nonce` and `aud`. */
  presentAll(snapshot: string, options: { nonce: string; aud: string; now?: number | undefined }): string;
}
