// A plain JavaScript scorecard and policy, equivalent to edgescore's for the benchmark
// baselines (jose + JS, @noble/ed25519 + JS): same model and policy files, same semantics
// (first matching bin, missing/else, reasons below baseline, sub-scores, bands), with
// JavaScript numbers instead of exact decimals.

export function compileModel(model) {
  const bins = (bin) => {
    if (bin.missing) return (v) => v === undefined || v === null;
    if (bin.else) return () => true;
    if (bin.in) return (v) => v !== undefined && v !== null && bin.in.includes(v);
    if (bin.not_in) return (v) => v !== undefined && v !== null && !bin.not_in.includes(v);
    return (v) => typeof v === 'number'
      && (bin.gte === undefined || v >= bin.gte) && (bin.gt === undefined || v > bin.gt)
      && (bin.lt === undefined || v < bin.lt) && (bin.lte === undefined || v <= bin.lte);
  };
  const characteristics = model.characteristics.map((c) => {
    const points = c.bins.map((b) => b.points);
    return { ...c, tests: c.bins.map(bins), min: Math.min(...points), max: Math.max(...points) };
  });
  const known = new Set(model.features.map((f) => f.name));
  return (features) => {
    for (const name of Object.keys(features)) if (!known.has(name)) throw new Error('unknown feature');
    let score = model.score.initial;
    const totals = new Map();
    const dims = new Map();
    for (const c of characteristics) {
      const value = features[c.feature];
      const index = c.tests.findIndex((test) => test(value));
      if (index < 0) throw new Error('no bin matched');
      const bin = c.bins[index];
      score += bin.points;
      const code = bin.reason_code ?? c.reason_code;
      totals.set(code, (totals.get(code) ?? 0) + (c.baseline - bin.points));
      const d = dims.get(c.dimension) ?? [0, 0, 0];
      dims.set(c.dimension, [d[0] + bin.points, d[1] + c.min, d[2] + c.max]);
    }
    score = Math.min(model.score.max, Math.max(model.score.min, score));
    const band = model.bands.filter((b) => b.min <= score).at(-1).id;
    const reasons = [...totals].filter(([, points]) => points > 0).sort((a, b) => b[1] - a[1]).slice(0, 4);
    const dimensions = Object.fromEntries([...dims].map(([id, [p, lo, hi]]) => [id, Math.round(((p - lo) * 100) / (hi - lo))]));
    return { score, band, reasons, dimensions };
  };
}

export function decide(policy, band, ageSeconds, order) {
  const atMost = (limit, amount) => limit === undefined || (amount !== undefined && amount <= limit);
  const atLeast = (limit, amount) => limit === undefined || (amount !== undefined && amount >= limit);
  const rule = policy.rules.find((r) => (!r.bands || r.bands.includes(band))
    && atMost(r.max_deposit, order.deposit) && atLeast(r.min_deposit, order.deposit)
    && atMost(r.max_order_value, order.order_value) && atLeast(r.min_order_value, order.order_value)
    && (r.max_snapshot_age_seconds === undefined || ageSeconds <= r.max_snapshot_age_seconds));
  const decision = rule ? rule.decision : policy.otherwise;
  const deposit = decision === 'deposit_free' ? 0
    : decision === 'reduced_deposit' ? Math.round((order.deposit * rule.deposit_percent) / 100) : order.deposit ?? null;
  return { band, decision, rule: rule ? rule.id : 'otherwise', deposit };
}
