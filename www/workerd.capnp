# The demo site in one workerd process on 127.0.0.1: the rentals edge worker ("gate": /nonce,
# /rentals/gate) and the static host for the wallet, the checkout, the package and the demo
# data ("site"), on one origin.
#
# Run it with www/serve.mjs (what scripts/demo.sh does: it also starts the demo bureau's status
# list endpoint on 127.0.0.1), or by hand from the repository root:
#   node_modules/.bin/workerd serve www/workerd.capnp \
#     --directory-path www=www --directory-path pkg=pkg --directory-path demo-data=.cache/www-demo \
#     --external-addr bureau=127.0.0.1:BUREAU_PORT
# (add --socket-addr http=127.0.0.1:PORT for another port). The folders have no path here
# because workerd resolves disk paths against its working directory, not this file.
#
# The gate's configuration is in its bindings, as on a Workers deployment: the issuer's JWKS,
# the merchant's signed models (its own six-feature consumer model, the bureau's seller model),
# the merchant policy and audience, the catalog, the nonce lifetime, and where the bureau
# publishes its status list. The one way out of this process is the "bureau" external service
# (the bureau's status list endpoint, on 127.0.0.1 in the demo and the tests), reachable only
# through the BUREAU bindings of the gate and the site; there is no `network` service, and
# every worker's globalOutbound is "offline", which refuses.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "site", worker = .site),
    (name = "gate", worker = .gate),
    (name = "offline", worker = .offline),
    (name = "www", disk = (writable = false)),
    (name = "pkg", disk = (writable = false)),
    (name = "demo-data", disk = (writable = false)),
    (name = "bureau", external = (address = "127.0.0.1:8788", http = ())),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "site") ],
);

const compatibilityDate :Text = "2025-09-01";

# The rentals edge worker: the product. Module names follow the repository's paths, so the
# worker's relative imports are the same as in the source tree.
const gateModules :List(Workerd.Worker.Module) = [
  (name = "www/worker/gate.mjs", esModule = embed "worker/gate.mjs"),
  (name = "www/worker/nonces.mjs", esModule = embed "worker/nonces.mjs"),
  (name = "www/worker/status.mjs", esModule = embed "worker/status.mjs"),
  (name = "www/shared/rentals.mjs", esModule = embed "shared/rentals.mjs"),
  (name = "pkg/dist/edgescore.workerd.js", esModule = embed "../pkg/dist/edgescore.workerd.js"),
  (name = "pkg/dist/edgescore_core_bg.wasm", wasm = embed "../pkg/dist/edgescore_core_bg.wasm"),
];

const gate :Workerd.Worker = (
  modules = .gateModules,
  bindings = [
    (name = "JWKS", json = embed "../src/assets/demo/issuer.jwks.json"),
    (name = "CONSUMER_MODEL", text = embed "models/rentals-express.model.jws"),
    (name = "SELLER_MODEL", text = embed "../src/assets/models/seller.model.jws"),
    (name = "POLICY", json = embed "../src/assets/policy/deposit-free-rentals.json"),
    (name = "CATALOG", json = embed "checkout/catalog.json"),
    (name = "AUDIENCE", text = "https://rentals.example"),
    (name = "NONCE_TTL_SECONDS", text = "120"),
    (name = "STATUS_LIST_URL", text = "https://demo-bureau.example/status/1"),
    (name = "BUREAU", service = "bureau"),
  ],
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
