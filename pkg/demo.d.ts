// Types of `edgescore/demo`: DEMO material, never for real decisions (the demo issuer's private
// key is public on purpose).

/** The demo bureau's issuer id (`iss`). */
export const DEMO_ISSUER: 'https://demo-bureau.example';
/** The demo bureau's public key set. */
export const DEMO_JWKS: {
  readonly keys: readonly { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; use: 'sig'; alg: 'EdDSA' }[];
};
/** The demo consumer scorecard, signed by the demo bureau (compact JWS). */
export const DEMO_CONSUMER_MODEL: string;
/** The demo small-business seller scorecard, signed by the demo bureau (compact JWS). */
export const DEMO_SELLER_MODEL: string;
