# Test config: the demo site of ../workerd.capnp as a fleet would see it.
# - "http": the demo socket (every client is 127.0.0.1, whatever it sends);
# - "edge": the same site behind a front end that reports each client's address in
#   CF-Connecting-IP (the tests set it, as the platform would);
# - "b": a second gate service, another isolate with the same modules and bindings, over the
#   same nonce namespace (a nonce issued by one is redeemed at the other);
# - "gate": the gate itself, as a platform's front end reaches a deployed worker (no demo host in
#   between; the load tests use it), with CF-Connecting-IP as sent;
# - "probe": a worker behind the same "offline" globalOutbound as the site and the gate, which
#   tries outbound requests;
# - "inspect": reads what each nonce shard holds (rows, unused, alarm).
# Lifetimes and limits come from the environment (EDGESCORE_…), as in the main config.
using Workerd = import "/workerd/workerd.capnp";
using Site = import "../workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "site", worker = Site.site),
    (name = "gate", worker = Site.gate),
    (name = "gate-b", worker = .gateB),
    (name = "offline", worker = Site.offline),
    (name = "www", disk = (writable = false)),
    (name = "pkg", disk = (writable = false)),
    (name = "demo-data", disk = (writable = false)),
    (name = "nonce-store", disk = (writable = true)),
    (name = "bureau", external = (address = "127.0.0.1:8788", http = ())),
    (name = "probe", worker = .probe),
    (name = "inspect", worker = .inspect),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:0", http = Site.demoHttp, service = "site"),
    (name = "edge", address = "127.0.0.1:0", http = (), service = "site"),
    (name = "b", address = "127.0.0.1:0", http = (), service = "gate-b"),
    (name = "gate", address = "127.0.0.1:0", http = (), service = "gate"),
    (name = "probe", address = "127.0.0.1:0", http = (), service = "probe"),
    (name = "inspect", address = "127.0.0.1:0", http = (), service = "inspect"),
  ],
);

const gateB :Workerd.Worker = (
  modules = Site.gateModules,
  bindings = Site.gateBindings,
  compatibilityDate = Site.compatibilityDate,
  globalOutbound = "offline",
);

const probe :Workerd.Worker = (
  modules = [ (name = "probe.mjs", esModule = embed "probe.mjs") ],
  compatibilityDate = Site.compatibilityDate,
  globalOutbound = "offline",
);

const inspect :Workerd.Worker = (
  modules = [ (name = "inspect.mjs", esModule = embed "inspect.mjs") ],
  bindings = [ (name = "NONCES", durableObjectNamespace = (serviceName = "gate", className = "NonceShard")) ],
  compatibilityDate = Site.compatibilityDate,
  globalOutbound = "offline",
);
