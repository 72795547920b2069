"""Peer comparison on UCI German Credit: edgescore fit vs scorecardpy vs optbinning.

All three fit on the same 700 training rows and are measured on the same 300 test rows: the
split `edgescore fit` makes with seed 1994 (stratified, see tests/data/README.md), which this
script reads from the file edgescore writes (`--split-out`). Binning, selection and regression
see training rows only, in every tool.

The peers run with the standard settings of their own documentation:
- scorecardpy 0.1.9.7 (README flow): var_filter (IV >= 0.02, missing/identical rate <= 0.95),
  woebin with its defaults (tree method, 5 % bins, at most 8, stop at 10 % IV gain),
  LogisticRegression(penalty="l1", C=0.9, solver="saga", random_state=0 since saga shuffles),
  scorecard(points0=600, odds0=1/19,
  pdo=50).
- optbinning 1.0.0 (the "Scorecard" tutorial): BinningProcess with the categorical columns and
  selection_criteria {"iv": {"min": 0.02, "max": 1}, "quality_score": {"min": 0.01}},
  LogisticRegression(solver="lbfgs"), Scorecard(scaling_method="min_max", min 300, max 850),
  plus rounding=True so its points are whole numbers (rounding moves points, not probabilities).

Measured: AUC (sklearn's roc_auc_score), KS (max TPR - FPR) and Gini (2 AUC - 1) of each tool's
predicted probability on the test rows, and the same of its integer scorecard points. Exit 1
if edgescore's probability AUC is more than 0.02 below the better peer's.

--write-fixtures DIR also writes the peers' scorecards as their users export them (the
scorecardpy card and the optbinning table as CSV) with the tools' own scores of the test rows,
for the importer tests (tests/data/peers/).
"""

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402

DATA = "tests/data/germancredit.csv"
TARGET = "creditability"
MARGIN = 0.02


def metrics(is_bad, goodness):
    """AUC, KS, Gini of a 'higher is better' score against is_bad."""
    auc = roc_auc_score(1 - is_bad, goodness)
    fpr, tpr, _ = roc_curve(1 - is_bad, goodness)
    return {"auc": auc, "ks": float(np.max(tpr - fpr)), "gini": 2 * auc - 1}


def quiet(function, *args, **kwargs):
    """Runs a chatty peer function with its prints silenced."""
    with open(os.devnull, "w") as devnull:
        stdout = sys.stdout
        sys.stdout = devnull
        try:
            return function(*args, **kwargs)
        finally:
            sys.stdout = stdout


def run_edgescore(binary, workdir):
    split = os.path.join(workdir, "split.csv")
    subprocess.run(
        [binary, "fit", "--data", DATA, "--target", TARGET, "--seed", "1994",
         "--out", os.path.join(workdir, "edgescore.model.json"),
         "--report", os.path.join(workdir, "edgescore.report.json"), "--split-out", split],
        check=True, stdout=subprocess.DEVNULL)
    return pd.read_csv(split)


def run_scorecardpy(train, test):
    import scorecardpy as sc

    selected = quiet(sc.var_filter, train, y=TARGET)
    bins = quiet(sc.woebin, selected, y=TARGET)
    train_woe = quiet(sc.woebin_ply, selected, bins)
    columns = [c for c in train_woe.columns if c != TARGET]
    test_woe = quiet(sc.woebin_ply, test[selected.columns], bins)
    lr = LogisticRegression(penalty="l1", C=0.9, solver="saga", random_state=0)  # saga shuffles: fix it
    lr.fit(train_woe[columns], train_woe[TARGET])
    p_bad = lr.predict_proba(test_woe[columns])[:, 1]
    card = sc.scorecard(bins, lr, columns)
    points = quiet(sc.scorecard_ply, test, card)["score"].to_numpy()
    return p_bad, points, card


def run_optbinning(train, test):
    from optbinning import BinningProcess, Scorecard

    features = [c for c in train.columns if c != TARGET]
    categorical = [c for c in features if train[c].dtype == object]
    process = BinningProcess(
        features, categorical_variables=categorical,
        selection_criteria={"iv": {"min": 0.02, "max": 1}, "quality_score": {"min": 0.01}})
    scorecard = Scorecard(
        binning_process=process, estimator=LogisticRegression(solver="lbfgs"),
        scaling_method="min_max", scaling_method_params={"min": 300, "max": 850}, rounding=True)
    y = (train[TARGET] == "bad").astype(int)
    scorecard.fit(train[features], y)
    p_bad = scorecard.predict_proba(test[features])[:, 1]
    points = scorecard.score(test[features])
    return p_bad, points, scorecard


def write_fixtures(directory, test, card, scorecard, sc_points, ob_points):
    os.makedirs(directory, exist_ok=True)
    pd.concat(card.values()).to_csv(os.path.join(directory, "scorecardpy_card.csv"), index=False)
    scorecard.table(style="summary").to_csv(os.path.join(directory, "optbinning_table.csv"), index=False)
    rows = test.drop(columns=[TARGET]).copy()
    rows.insert(0, "row", test.index)
    rows["scorecardpy_score"] = sc_points.astype(int)
    rows["optbinning_score"] = np.rint(ob_points).astype(int)
    rows.to_csv(os.path.join(directory, "test_rows_scored.csv"), index=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--edgescore", required=True)
    parser.add_argument("--workdir", default=".cache/peers")
    parser.add_argument("--write-fixtures", metavar="DIR")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    started = time.monotonic()

    split = run_edgescore(args.edgescore, args.workdir)
    data = pd.read_csv(DATA)
    if len(split) != len(data):
        sys.exit("the split file does not cover the data")
    train_rows = split.loc[split["set"] == "train", "row"].to_numpy()
    test_rows = split.loc[split["set"] == "test", "row"].to_numpy()
    train, test = data.iloc[train_rows].copy(), data.iloc[test_rows].copy()
    is_bad = (test[TARGET] == "bad").astype(int).to_numpy()
    edge_test = split.loc[split["set"] == "test"]
    if (edge_test["bad"].to_numpy() != is_bad).any():
        sys.exit("edgescore's classes disagree with the data")
    if edge_test["p_good"].isna().any() or edge_test["score"].isna().any():
        sys.exit("edgescore left test rows unscored")

    sc_p_bad, sc_points, card = run_scorecardpy(train, test)
    ob_p_bad, ob_points, scorecard = run_optbinning(train, test)
    results = {
        "edgescore": (metrics(is_bad, edge_test["p_good"].to_numpy()), metrics(is_bad, edge_test["score"].to_numpy())),
        "scorecardpy": (metrics(is_bad, 1 - sc_p_bad), metrics(is_bad, sc_points)),
        "optbinning": (metrics(is_bad, 1 - ob_p_bad), metrics(is_bad, ob_points)),
    }
    print(f"German Credit, seed 1994: {len(train_rows)} training rows, {len(test_rows)} test rows "
          f"({int(is_bad.sum())} bad), the same rows for every tool")
    print(f"{'tool':<12} {'test AUC':>8} {'KS':>7} {'Gini':>7}   {'points AUC':>10} {'points KS':>9}")
    for tool, (prob, points) in results.items():
        print(f"{tool:<12} {prob['auc']:8.4f} {prob['ks']:7.4f} {prob['gini']:7.4f}   "
              f"{points['auc']:10.4f} {points['ks']:9.4f}")
    with open(os.path.join(args.workdir, "comparison.json"), "w") as out:
        json.dump({t: {"probability": p, "points": q} for t, (p, q) in results.items()}, out, indent=2)

    if args.write_fixtures:
        write_fixtures(args.write_fixtures, test, card, scorecard, sc_points, ob_points)
        print(f"fixtures written to {args.write_fixtures}")

    best_peer = max(results["scorecardpy"][0]["auc"], results["optbinning"][0]["auc"])
    edge = results["edgescore"][0]["auc"]
    print(f"({time.monotonic() - started:.1f} s)")
    if edge < best_peer - MARGIN:
        print(f"FAIL: edgescore's test AUC {edge:.4f} is more than {MARGIN} below the better peer's {best_peer:.4f}")
        return 1
    print(f"ok: edgescore's test AUC {edge:.4f} is within {MARGIN} of the better peer's {best_peer:.4f} (or above it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
