"""Helpers for scripts/demo-models.sh (standard library only).

  join FEATURES.jsonl OUTCOMES.csv SCHEMA OUT.csv
      One CSV row per person of SCHEMA: `sub`, every feature (exact number text; an empty
      cell is missing; booleans as true/false), and `default_12m` from the outcomes.
  bands SCORED.jsonl DATA.csv
      Per band the share of rows and the 12-month default rate, and the AUC of the scores
      against `default_12m` (ties count one half), from score-rows JSON Lines output and the
      CSV it scored (matched by line number).
  layout MODEL.json
      Rewrites a model document in the demo models' layout (one feature, band, bin and reason
      per line), numbers kept as their exact text.
"""

import csv
import json
import sys


def join(features, outcomes, schema, out):
    target = {}
    with open(outcomes, newline="") as lines:
        for row in csv.DictReader(lines):
            target[row["sub"]] = row["default_12m"]
    names, rows = None, []
    with open(features) as lines:
        for line in lines:
            record = json.loads(line, parse_float=str, parse_int=str)
            if record["schema"] != schema:
                continue
            if names is None:
                names = list(record["features"])
            rows.append((record["sub"], record["features"]))

    def cell(value):
        if value is None:
            return ""
        if value is True:
            return "true"
        if value is False:
            return "false"
        return str(value)

    with open(out, "w", newline="") as written:
        writer = csv.writer(written, lineterminator="\n")
        writer.writerow(["sub"] + names + ["default_12m"])
        for sub, values in rows:
            writer.writerow([sub] + [cell(values.get(name)) for name in names] + [target[sub]])
    print(f"{out}: {len(rows)} people", file=sys.stderr)


def bands(scored, data):
    with open(data, newline="") as lines:
        bad = [row["default_12m"] == "1" for row in csv.DictReader(lines)]
    rows = []
    with open(scored) as lines:
        for line in lines:
            record = json.loads(line)
            rows.append((float(record["score"]), record["band"], bad[record["line"] - 2]))
    per_band = {}
    for _, band, is_bad in rows:
        count, bads = per_band.get(band, (0, 0))
        per_band[band] = (count + 1, bads + is_bad)
    # AUC: the chance that a random good scores above a random bad, ties one half.
    rows.sort(key=lambda r: r[0])
    goods = sum(1 for r in rows if not r[2])
    bads = len(rows) - goods
    rank_sum, i = 0.0, 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j][0] == rows[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2
        rank_sum += average_rank * sum(1 for r in rows[i:j] if not r[2])
        i = j
    auc = (rank_sum - goods * (goods + 1) / 2) / (goods * bads)
    order = ["poor", "fair", "good", "very_good", "excellent"]
    summary = {
        band: {"share": round(count / len(rows), 4), "default_rate": round(bads_in / count, 4)}
        for band, (count, bads_in) in sorted(per_band.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    }
    print(json.dumps({"rows": len(rows), "auc": round(auc, 4), "bands": summary}))


class Number(str):
    """A JSON number kept as its text."""


def inline(value):
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + inline(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def layout(path):
    with open(path) as text:
        model = json.load(text, parse_float=Number, parse_int=Number)
    lines = ["{"]
    members = list(model.items())
    for index, (name, value) in enumerate(members):
        comma = "," if index + 1 < len(members) else ""
        key = json.dumps(name)
        if name in ("features", "bands"):
            items = [f"    {inline(item)}" for item in value]
            lines.append(f"  {key}: [\n" + ",\n".join(items) + f"\n  ]{comma}")
        elif name == "characteristics":
            blocks = []
            for characteristic in value:
                inner = []
                for member, part in characteristic.items():
                    if member == "bins":
                        bins = ",\n".join(f"        {inline(b)}" for b in part)
                        inner.append(f'      "bins": [\n{bins}\n      ]')
                    else:
                        inner.append(f"      {json.dumps(member)}: {inline(part)}")
                blocks.append("    {\n" + ",\n".join(inner) + "\n    }")
            lines.append(f"  {key}: [\n" + ",\n".join(blocks) + f"\n  ]{comma}")
        elif name == "reasons":
            items = [f"    {json.dumps(code)}: {inline(texts)}" for code, texts in value.items()]
            lines.append(f"  {key}: {{\n" + ",\n".join(items) + f"\n  }}{comma}")
        else:
            lines.append(f"  {key}: {inline(value)}{comma}")
    lines.append("}")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"join": join, "bands": bands, "layout": layout}[command](*args)
