"""The official SageMaker image's path, reduced: Debian's python3-xgboost text loader, then
xgb.train with the train watch printed every round, then the model saved.

Usage: /usr/bin/python3 plain_xgboost.py <train.csv> <rounds> <model.json>
"""
import sys

import xgboost as xgb


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: plain_xgboost.py <train.csv> <rounds> <model.json>")
    csv, rounds, model = argv[1], int(argv[2]), argv[3]
    params = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "max_depth": 6,
        "eta": 0.1,
        "eval_metric": "logloss",
    }
    train = xgb.DMatrix(csv + "?format=csv&label_column=0")
    booster = xgb.train(params, train, num_boost_round=rounds, evals=[(train, "train")])
    booster.save_model(model)


if __name__ == "__main__":
    main(sys.argv)
