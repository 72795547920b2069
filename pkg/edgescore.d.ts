// Types of the edgescore JavaScript package.

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
  /** `exp` is past, beyond the leeway */
  | 'ERR_EXPIRED'
  /** `nbf` or `iat` is in the future, beyond the leeway */
  | 'ERR_NOT_YET_VALID'
  /** issued longer ago than the maximum age */
  | 'ERR_TOO_OLD'
  /** `iss` not on the verifier's allow-list */
  | 'ERR_ISSUER'
  /** the snapshot's `aud` or the key-binding JWT's `aud` is not the verifier's audience, or the verifier has none configured */
  | 'ERR_AUDIENCE'
  /** a required claim is missing, or a claim has the wrong type or an impossible value */
  | 'ERR_CLAIM_INVALID'
  /** a bound snapshot without a key-binding JWT, a key-binding JWT not signed by the `cnf` key, a wrong or missing `sd_hash`, a stale or future key-binding JWT, a key-binding JWT on an unbound snapshot */
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
  /** the snapshot's `status` claim cannot be checked: not a `status_list` reference `{idx, uri}`, an index beyond the list, or a status value edgescore does not know */
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
  /** the WebAssembly module trapped (a bug in edgescore); it was restarted, and the call can be retried */
  | 'ERR_INTERNAL';
// End of the generated error codes.

export const ERROR_CODES: readonly ErrorCode[];

/** A rejected input or configuration. */
export class EdgescoreError extends Error {
  readonly name: 'EdgescoreError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string);
}

/** Where the module comes from: a URL, a fetch Response, bytes or a compiled module. */
export type ModuleInput = string | URL | Request | Response | Promise<Response> | BufferSource | WebAssembly.Module;

/** Loads the module (by default from `wasm/edgescore_core_bg.wasm` next to the package). */
export function init(input?: ModuleInput): Promise<void>;
/** Loads the module synchronously, for runtimes that hand over a compiled module (workerd). */
export function initSync(module: WebAssembly.Module | BufferSource | { module: WebAssembly.Module }): void;

export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
  [member: string]: unknown;
}
export interface PrivateJwk extends Jwk {
  d: string;
}
export interface Jwks {
  keys: Jwk[];
}

export interface ScorerConfig {
  /** The issuer's public keys (object or JSON text). Required. */
  jwks: Jwks | string;
  /** A signed model (compact JWS); the demo consumer model when omitted. */
  model?: string;
  /** The key set that verifies `model`, when it is not `jwks` (a bureau may sign models with other keys). */
  modelJwks?: Jwks | string;
  /** The merchant policy (object or JSON text); the default deposit-free rentals policy when omitted. */
  policy?: object | string;
  /** This verifier's audience (merchant id); needed for presentations. */
  audience?: string;
  /** Accepted `iss` values; any issuer in the JWKS when omitted. */
  issuers?: string[];
  /** Clock leeway, default 60. */
  leewaySeconds?: number;
  /** Oldest snapshot accepted (default 31 days); `null` for no limit beyond `exp`. */
  maxAgeSeconds?: number | null;
  /** Refuse snapshots not bound to a holder key. */
  requireBinding?: boolean;
  /** Oldest key-binding JWT accepted, default 300. */
  presentationMaxAgeSeconds?: number;
  /** Status list tokens (`statuslist+jwt`) to hold from the start; see `Scorer.addStatusList`. */
  statusLists?: string[];
}

/** The order being decided, amounts in minor units (fen, cents). */
export interface OrderContext {
  deposit?: number;
  order_value?: number;
  currency?: string;
  item?: string;
}

export type Disclose = 'band' | 'full';

export interface ScoreOptions {
  /** Seconds since the epoch; the current time when omitted. */
  now?: number;
  /** The nonce this verifier issued for the presentation's key binding. */
  nonce?: string;
  context?: OrderContext;
  disclose?: Disclose;
}

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

export interface ScoreResult {
  band: string;
  decision: Decision;
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
  /** The rest only with `disclose: "full"`. */
  score?: number;
  score_range?: [number, number];
  band_label?: Texts;
  dimensions?: Record<DimensionId, number | null>;
  reasons?: { code: string; points: number; text?: Texts }[];
  snapshot?: { issued_at: number; expires_at: number; holder_bound: boolean };
}

export interface BatchItem {
  /** The presentation: an SD-JWT with its disclosures and key-binding JWT. */
  presentation: string;
  nonce?: string;
  context?: OrderContext;
}

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

export type BatchEntry =
  | { ok: true; result: ScoreResult }
  | { ok: false; error: { code: ErrorCode; message: string } };

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

export class Scorer {
  constructor(config: ScorerConfig);
  /** Verifies a presentation (an SD-JWT), checks its status, scores it and decides. */
  score(presentation: string, options?: ScoreOptions): ScoreResult;
  scoreBatch(items: BatchItem[], options?: { now?: number; disclose?: Disclose }): BatchEntry[];
  /** Verifies a status list token and holds it (a newer one for the same URI replaces it). */
  addStatusList(token: string, options?: { now?: number }): StatusListInfo;
  /** The request for this scorer's model: the features it reads, a nonce, the audience. */
  presentationRequest(options: { nonce: string; expiresAt: number }): PresentationRequest;
  modelInfo(): ModelInfo;
}

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
  publicJwk(): Jwk;
  toPrivateJwk(): PrivateJwk;
  /** A presentation for a verifier's request: exactly its features, and a key-binding JWT. */
  present(snapshot: string, request: PresentationRequest, options?: { now?: number }): string;
  /** A presentation of every feature (the holder's own view), bound to `nonce` and `aud`. */
  presentAll(snapshot: string, options: { nonce: string; aud: string; now?: number }): string;
}
