# Test config: the demo site of ../workerd.capnp with 1-second nonces (to see a nonce
# expire over HTTP) and a status list kept at most 1 second (to see a revocation arrive), plus
# a probe worker on a second socket that tries outbound requests through the same "offline"
# globalOutbound as the site and the gate.
using Workerd = import "/workerd/workerd.capnp";
using Site = import "../workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "site", worker = Site.site),
    (name = "gate", worker = .gate),
    (name = "offline", worker = Site.offline),
    (name = "www", disk = (writable = false)),
    (name = "pkg", disk = (writable = false)),
    (name = "demo-data", disk = (writable = false)),
    (name = "bureau", external = (address = "127.0.0.1:8788", http = ())),
    (name = "probe", worker = .probe),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:0", http = (), service = "site"),
    (name = "probe", address = "127.0.0.1:0", http = (), service = "probe"),
  ],
);

const gate :Workerd.Worker = (
  modules = Site.gateModules,
  bindings = [
    (name = "JWKS", json = embed "../../src/assets/demo/issuer.jwks.json"),
    (name = "CONSUMER_MODEL", text = embed "../models/rentals-express.model.jws"),
    (name = "SELLER_MODEL", text = embed "../../src/assets/models/seller.model.jws"),
    (name = "POLICY", json = embed "../../src/assets/policy/deposit-free-rentals.json"),
    (name = "CATALOG", json = embed "../checkout/catalog.json"),
    (name = "AUDIENCE", text = "https://rentals.example"),
    (name = "NONCE_TTL_SECONDS", text = "1"),
    (name = "STATUS_LIST_URL", text = "https://demo-bureau.example/status/1"),
    (name = "BUREAU", service = "bureau"),
    (name = "STATUS_LIST_MAX_CACHE_SECONDS", text = "1"),
    (name = "STATUS_LIST_RETRY_SECONDS", text = "1"),
  ],
  compatibilityDate = Site.compatibilityDate,
  globalOutbound = "offline",
);

const probe :Workerd.Worker = (
  modules = [ (name = "probe.mjs", esModule = embed "probe.mjs") ],
  compatibilityDate = Site.compatibilityDate,
  globalOutbound = "offline",
);
