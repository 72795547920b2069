# The demo site in one workerd process on 127.0.0.1: the rentals edge worker ("gate": /nonce,
# /rentals/gate, and the Durable Objects that keep its nonces) and the static host for the
# wallet, the checkout, the package and the demo data ("site"), on one origin.
#
# Run it with www/serve.mjs (what scripts/demo.sh does: it also starts the demo bureau's endpoint
# for its key set and status list on 127.0.0.1, and makes the merchant's receipt key), or by hand
# from the repository root:
#   EDGESCORE_RECEIPT_KEY="$(cat merchant.jwk.json)" node_modules/.bin/workerd serve www/workerd.capnp \
#     --directory-path www=www --directory-path pkg=pkg --directory-path demo-data=.cache/www-demo \
#     --directory-path nonce-store=.cache/www-nonces --external-addr bureau=127.0.0.1:BUREAU_PORT
# (add --socket-addr http=127.0.0.1:PORT for another port). The folders have no path here
# because workerd resolves disk paths against its working directory, not this file.
#
# The gate's configuration is in its bindings, as on a Workers deployment (www/wrangler.jsonc
# deploys the same worker to Cloudflare): the issuer's deployed key set (it verifies the
# models) and where the issuer publishes its current one and its status list, the merchant's
# signed models, policy, audience and catalog, the nonce namespace, and the merchant's receipt
# key, a secret taken from the environment. Limits and lifetimes have defaults in the gate;
# each can be set from the environment (EDGESCORE_<NAME>), which the tests use. The one way out
# of this process is the "bureau" external service (on 127.0.0.1 in the demo and the tests),
# reachable only through the BUREAU bindings of the gate and the site; there is no `network`
# service, and every worker's globalOutbound is "offline", which refuses.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "site", worker = .site),
    (name = "gate", worker = .gate),
    (name = "offline", worker = .offline),
    (name = "www", disk = (writable = false)),
    (name = "pkg", disk = (writable = false)),
    (name = "demo-data", disk = (writable = false)),
    (name = "nonce-store", disk = (writable = true)),
    (name = "bureau", external = (address = "127.0.0.1:8788", http = ())),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = .demoHttp, service = "site") ],
);

# Every client here is on loopback, and that is the address the gate is told: a client cannot
# choose its own by sending the header (a platform's front end sets it the same way).
const demoHttp :Workerd.HttpOptions = (
  injectRequestHeaders = [ (name = "CF-Connecting-IP", value = "127.0.0.1") ],
);

const compatibilityDate :Text = "2025-09-01";

# The rentals edge worker: the product. Module names follow the repository's paths, so the
# worker's relative imports are the same as in the source tree.
const gateModules :List(Workerd.Worker.Module) = [
  (name = "www/worker/gate.mjs", esModule = embed "worker/gate.mjs"),
  (name = "www/worker/http.mjs", esModule = embed "worker/http.mjs"),
  (name = "www/worker/limits.mjs", esModule = embed "worker/limits.mjs"),
  (name = "www/worker/nonces.mjs", esModule = embed "worker/nonces.mjs"),
  (name = "www/worker/remote.mjs", esModule = embed "worker/remote.mjs"),
  (name = "www/shared/rentals.mjs", esModule = embed "shared/rentals.mjs"),
  (name = "pkg/dist/edgescore.workerd.js", esModule = embed "../pkg/dist/edgescore.workerd.js"),
  (name = "pkg/dist/edgescore_core_bg.wasm", wasm = embed "../pkg/dist/edgescore_core_bg.wasm"),
];

# The gate's bindings, shared by every gate service (the tests run a second one over the same
# nonce namespace).
const gateBindings :List(Workerd.Worker.Binding) = [
  (name = "JWKS", json = embed "../src/assets/demo/issuer.jwks.json"),
  (name = "JWKS_URL", text = "https://demo-bureau.example/jwks.json"),
  (name = "CONSUMER_MODEL", text = embed "models/rentals-express.model.jws"),
  (name = "SELLER_MODEL", text = embed "../src/assets/models/seller.model.jws"),
  (name = "POLICY", json = embed "../src/assets/policy/deposit-free-rentals.json"),
  (name = "CATALOG", json = embed "checkout/catalog.json"),
  (name = "AUDIENCE", text = "https://rentals.example"),
  (name = "STATUS_LIST_URL", text = "https://demo-bureau.example/status/1"),
  (name = "BUREAU", service = "bureau"),
  (name = "NONCES", durableObjectNamespace = (serviceName = "gate", className = "NonceShard")),
  (name = "RECEIPT_KEY", fromEnvironment = "EDGESCORE_RECEIPT_KEY"),
  (name = "CLIENT_ADDRESS_HEADER", text = "CF-Connecting-IP"),
  (name = "CORS_ORIGINS", fromEnvironment = "EDGESCORE_CORS_ORIGINS"),
  (name = "NONCE_TTL_SECONDS", fromEnvironment = "EDGESCORE_NONCE_TTL_SECONDS"),
  (name = "NONCE_GRACE_SECONDS", fromEnvironment = "EDGESCORE_NONCE_GRACE_SECONDS"),
  (name = "NONCE_SHARDS", fromEnvironment = "EDGESCORE_NONCE_SHARDS"),
  (name = "NONCE_CAPACITY", fromEnvironment = "EDGESCORE_NONCE_CAPACITY"),
  (name = "NONCE_QUOTA", fromEnvironment = "EDGESCORE_NONCE_QUOTA"),
  (name = "NONCE_RATE_PER_MINUTE", fromEnvironment = "EDGESCORE_NONCE_RATE_PER_MINUTE"),
  (name = "NONCE_BURST", fromEnvironment = "EDGESCORE_NONCE_BURST"),
  (name = "GATE_RATE_PER_MINUTE", fromEnvironment = "EDGESCORE_GATE_RATE_PER_MINUTE"),
  (name = "GATE_BURST", fromEnvironment = "EDGESCORE_GATE_BURST"),
  (name = "BODY_TIMEOUT_SECONDS", fromEnvironment = "EDGESCORE_BODY_TIMEOUT_SECONDS"),
  (name = "JWKS_CACHE_SECONDS", fromEnvironment = "EDGESCORE_JWKS_CACHE_SECONDS"),
  (name = "JWKS_MAX_STALE_SECONDS", fromEnvironment = "EDGESCORE_JWKS_MAX_STALE_SECONDS"),
  (name = "JWKS_COOLDOWN_SECONDS", fromEnvironment = "EDGESCORE_JWKS_COOLDOWN_SECONDS"),
  (name = "STATUS_LIST_MAX_CACHE_SECONDS", fromEnvironment = "EDGESCORE_STATUS_LIST_MAX_CACHE_SECONDS"),
  (name = "STATUS_LIST_REVALIDATE_SECONDS", fromEnvironment = "EDGESCORE_STATUS_LIST_REVALIDATE_SECONDS"),
  (name = "STATUS_LIST_RETRY_SECONDS", fromEnvironment = "EDGESCORE_STATUS_LIST_RETRY_SECONDS"),
];

const gate :Workerd.Worker = (
  modules = .gateModules,
  bindings = .gateBindings,
  # Nonces live in SQLite-backed Durable Objects, on disk, so a restart keeps them.
  durableObjectNamespaces = [ (className = "NonceShard", uniqueKey = "edgescore-rentals-nonces", enableSql = true) ],
  durableObjectStorage = (localDisk = "nonce-store"),
  compatibilityDate = .compatibilityDate,
  globalOutbound = "offline",
);

const site :Workerd.Worker = (
  modules = [ (name = "www/worker/site.mjs", esModule = embed "worker/site.mjs") ],
  bindings = [
    (name = "GATE", service = "gate"),
    (name = "WWW", service = "www"),
    (name = "PKG", service = "pkg"),
    (name = "DEMO_DATA", service = "demo-data"),
    (name = "BUREAU", service = "bureau"),
  ],
  compatibilityDate = .compatibilityDate,
  globalOutbound = "offline",
);

const offline :Workerd.Worker = (
  modules = [ (name = "www/worker/offline.mjs", esModule = embed "worker/offline.mjs") ],
  compatibilityDate = .compatibilityDate,
  globalOutbound = "offline",
);
