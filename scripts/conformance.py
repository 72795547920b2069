"""Records what the reference PMML evaluator, JPMML-Evaluator, gives for the conformance corpus.

Run by scripts/conformance.sh (which installs Java and the pinned Python packages); the test
command never runs it: `cargo test --features cli conformance` compares edgescore with the
files written here, without Java.

For every tests/conformance/pmml/NAME.pmml:
  - tests/conformance/rows/NAME.jsonl: ROWS rows of features, drawn with a fixed seed from the
    values that matter for the document (every constant its predicates, Values, Intervals,
    outlier limits and replacements name, just below and above each, far outside, and missing);
  - tests/conformance/expected/NAME.jsonl: per row, JPMML-Evaluator's "Final Score" and its
    reason codes by rank, or the exception it raised.
For the round trip, tests/conformance/roundtrip/: the German Credit scorecard fitted by
`edgescore fit` and the demo models, exported by `edgescore export pmml`, with JPMML's
results on every row of tests/data/germancredit.csv and on a synthetic population
(`edgescore synth --people 800 --seed 11 --seller-percent 30`, then `features`).

With --pypmml, the same rows are also scored by pypmml and every disagreement with JPMML is
printed (pypmml is not the reference; the notes go to docs/lifecycle.md).
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET

ROWS = 300
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "conformance")
NS = "{http://www.dmg.org/PMML-4_4}"


def fields_of(path):
    """Active fields with their data type and every constant the document names for them."""
    root = ET.parse(path).getroot()
    dictionary = {f.get("name"): f for f in root.iter(NS + "DataField")}
    fields = {}
    for mining in root.iter(NS + "MiningField"):
        if mining.get("usageType", "active") != "active":
            continue
        name = mining.get("name")
        data_field = dictionary[name]
        constants = []
        for value in data_field.iter(NS + "Value"):
            constants.append(value.get("value"))
        for interval in data_field.iter(NS + "Interval"):
            constants += [interval.get(m) for m in ("leftMargin", "rightMargin") if interval.get(m) is not None]
        for attribute in ("missingValueReplacement", "invalidValueReplacement", "lowValue", "highValue"):
            if mining.get(attribute) is not None:
                constants.append(mining.get(attribute))
        fields[name] = {"type": data_field.get("dataType"), "constants": constants}
    for predicate in root.iter(NS + "SimplePredicate"):
        if predicate.get("value") is not None and predicate.get("field") in fields:
            fields[predicate.get("field")]["constants"].append(predicate.get("value"))
    for predicate in root.iter(NS + "SimpleSetPredicate"):
        if predicate.get("field") in fields:
            array = predicate.find(NS + "Array")
            fields[predicate.get("field")]["constants"] += split_array(array.text or "")
    return fields


def split_array(text):
    """PMML Array items: whitespace-separated, "..." quoted with \\" inside."""
    items, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] == '"':
            i += 1
            item = ""
            while text[i] != '"':
                if text[i] == "\\":
                    i += 1
                item += text[i]
                i += 1
            i += 1
        else:
            start = i
            while i < len(text) and not text[i].isspace():
                i += 1
            item = text[start:i]
        items.append(item)
    return items


def pool(field):
    kind, constants = field["type"], field["constants"]
    if kind in ("double", "float"):
        numbers = sorted({float(c) for c in constants})
        values = set()
        for c in numbers:
            for delta in (0, -0.5, 0.5, -0.001, 0.001):
                values.add(round(c + delta, 6))
        if numbers:
            values |= {round(numbers[0] - 1000, 6), round(numbers[-1] + 1000, 6)}
        values.add(0.0)
        return sorted(values)
    if kind == "integer":
        numbers = sorted({int(float(c)) for c in constants})
        values = set()
        for c in numbers:
            values |= {c, c - 1, c + 1, c + 5, c - 5}
        if numbers:
            values |= {numbers[0] - 100, numbers[-1] + 100}
        values.add(0)
        return sorted(values)
    if kind == "boolean":
        return [False, True]
    return sorted(set(constants) | {"other-value", "Zz"})


def draw_rows(fields, seed):
    rng = random.Random(seed)
    pools = {name: pool(field) for name, field in fields.items()}
    rows = []
    for _ in range(ROWS):
        rows.append({name: (None if rng.random() < 0.12 else rng.choice(values)) for name, values in pools.items()})
    return rows


def write_jsonl(path, records):
    with open(path, "w") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def read_jsonl(path):
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def result_of(outputs):
    ranks = sorted(
        (int(name.rsplit(" ", 1)[1]), value) for name, value in outputs.items() if name.startswith("Reason Code ")
    )
    return {"score": outputs["Final Score"], "reasons": [value for _, value in ranks if value is not None]}


def evaluate(evaluator, rows):
    results = []
    for row in rows:
        try:
            results.append(result_of(evaluator.evaluate(row)))
        except Exception as error:  # the evaluator's exception is the expected result
            message = str(error)
            results.append({"error": message.split(":", 1)[0].rsplit(".", 1)[-1]})
    return results


def evaluate_pypmml(path, rows):
    from pypmml import Model

    model = Model.fromFile(path)
    results = []
    for row in rows:
        try:
            outputs = model.predict(row)
            if outputs.get("Final Score") is None:
                results.append({"error": "no result"})
            else:
                results.append(result_of(outputs))
        except Exception as error:
            results.append({"error": type(error).__name__})
    return results


def same(a, b):
    if "error" in a or "error" in b:
        return ("error" in a) == ("error" in b)
    return abs(a["score"] - b["score"]) <= 1e-9 * max(1.0, abs(a["score"])) and a["reasons"] == b["reasons"]


def german_rows():
    with open(os.path.join(ROOT, "tests", "data", "germancredit.csv"), newline="") as data:
        reader = csv.DictReader(data)
        rows = []
        for record in reader:
            row = {}
            for name, cell in record.items():
                if name == "creditability":
                    continue
                if cell == "":
                    row[name] = None
                else:
                    try:
                        row[name] = int(cell)
                    except ValueError:
                        try:
                            row[name] = float(cell)
                        except ValueError:
                            row[name] = cell
            rows.append(row)
        return rows


def roundtrip(edgescore, make_evaluator, compare_pypmml):
    out = os.path.join(CORPUS, "roundtrip")
    os.makedirs(out, exist_ok=True)
    scratch = os.path.join(ROOT, ".cache", "conformance")
    os.makedirs(scratch, exist_ok=True)
    german = os.path.join(scratch, "german.model.json")
    subprocess.run(
        [edgescore, "fit", "--data", "tests/data/germancredit.csv", "--target", "creditability",
         "--id", "german-credit", "--out", german],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    cases = [("german-credit", german, german_rows())]
    people = os.path.join(scratch, "people.jsonl")
    features = os.path.join(scratch, "features.jsonl")
    subprocess.run([edgescore, "synth", "--people", "800", "--seed", "11", "--seller-percent", "30", "--out", people],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([edgescore, "features", "--in", people, "--out", features], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    by_schema = {}
    for line in read_jsonl(features):
        by_schema.setdefault(line["schema"], []).append(line["features"])
    for kind, schema in (("consumer", "edgescore.consumer.v1"), ("seller", "edgescore.seller.v1")):
        model = os.path.join(ROOT, "src", "assets", "models", kind + ".json")
        rows = by_schema[schema]
        # Every feature of the schema present in the row, missing as null.
        names = [f["name"] for f in json.load(open(model))["features"]]
        rows = [{name: row.get(name) for name in names} for row in rows]
        cases.append(("demo-" + kind, model, rows))
    for name, model, rows in cases:
        pmml = os.path.join(out, name + ".pmml")
        with open(pmml, "w") as written:
            subprocess.run([edgescore, "export", "pmml", model], cwd=ROOT, check=True, stdout=written)
        evaluator = make_evaluator(pmml).verify()
        expected = evaluate(evaluator, rows)
        if name != "german-credit":  # its rows are tests/data/germancredit.csv itself
            write_jsonl(os.path.join(out, name + ".rows.jsonl"), rows)
        write_jsonl(os.path.join(out, name + ".expected.jsonl"), expected)
        print(f"{name}: {len(rows)} rows, {sum('error' in e for e in expected)} invalid")
        if compare_pypmml:
            report_pypmml(name, pmml, rows, expected)


def report_pypmml(name, path, rows, expected):
    """Prints how pypmml's results differ from JPMML's, by kind of difference."""
    theirs = evaluate_pypmml(path, rows)
    kinds = {}
    examples = {}
    for i, (e, t) in enumerate(zip(expected, theirs)):
        if same(e, t):
            continue
        if ("error" in e) != ("error" in t):
            kind = "one gives an invalid result, the other a score"
        elif abs(e["score"] - t["score"]) > 1e-9 * max(1.0, abs(e["score"])):
            kind = "score differs"
        elif t["reasons"][: len(e["reasons"])] == e["reasons"] and len(set(t["reasons"][len(e["reasons"]) - 1:])) <= 1:
            kind = "pypmml repeats the last reason code to fill every rank"
        else:
            kind = "reason codes differ"
        kinds[kind] = kinds.get(kind, 0) + 1
        examples.setdefault(kind, (i, e, t))
    agree = len(rows) - sum(kinds.values())
    print(f"  pypmml: {agree} of {len(rows)} rows agree with JPMML" + "".join(f"; {n} {k}" for k, n in kinds.items()))
    for kind, (i, e, t) in examples.items():
        print(f"    e.g. row {i} ({kind}): {json.dumps(rows[i], ensure_ascii=False)}: JPMML {e}, pypmml {t}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edgescore", required=True, help="the edgescore binary (for the round trip)")
    parser.add_argument("--pypmml", action="store_true", help="also score with pypmml and print disagreements")
    args = parser.parse_args()
    from jpmml_evaluator import make_evaluator

    os.makedirs(os.path.join(CORPUS, "rows"), exist_ok=True)
    os.makedirs(os.path.join(CORPUS, "expected"), exist_ok=True)
    names = sorted(f[:-5] for f in os.listdir(os.path.join(CORPUS, "pmml")) if f.endswith(".pmml"))
    for index, name in enumerate(names):
        path = os.path.join(CORPUS, "pmml", name + ".pmml")
        rows = draw_rows(fields_of(path), seed=2026 + index)
        expected = evaluate(make_evaluator(path).verify(), rows)
        write_jsonl(os.path.join(CORPUS, "rows", name + ".jsonl"), rows)
        write_jsonl(os.path.join(CORPUS, "expected", name + ".jsonl"), expected)
        print(f"{name}: {len(rows)} rows, {sum('error' in e for e in expected)} invalid")
        if args.pypmml:
            report_pypmml(name, path, rows, expected)
    roundtrip(args.edgescore, make_evaluator, args.pypmml)


if __name__ == "__main__":
    sys.exit(main())
