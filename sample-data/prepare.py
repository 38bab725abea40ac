#!/usr/bin/env python3
"""Prepares the sample data set from the abalone files of the official SageMaker XGBoost image.

Source: ../shared/anchor-data/abalone/data (LibSVM, label = rings, features at indices 1..8:
sex code, length, diameter, height, whole, shucked, viscera and shell weights; Apache-2.0, see
MANIFEST.txt). Writes the same rows twice:

  abalone/libsvm/{train,validation}/  LibSVM with zero-based indices 0..7
  abalone/csv/{train,validation}/     CSV, no header, label first, 8 feature columns

Run from this folder: python3 prepare.py [ANCHOR_DIR]
"""
import os
import sys

ANCHOR = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "..", "shared", "anchor-data", "abalone", "data")
FEATURES = 8


def rows(path):
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            values = [""] * FEATURES
            for token in parts[1:]:
                index, value = token.split(":")
                values[int(index) - 1] = value
            yield parts[0], values


def write(channel, sources):
    for kind in ("libsvm", "csv"):
        os.makedirs(os.path.join("abalone", kind, channel), exist_ok=True)
    name = channel
    with open(os.path.join("abalone", "libsvm", channel, name + ".libsvm"), "w") as svm, \
            open(os.path.join("abalone", "csv", channel, name + ".csv"), "w") as csv:
        for source in sources:
            for label, values in rows(source):
                svm.write(label + " " + " ".join(f"{i}:{v}" for i, v in enumerate(values) if v) + "\n")
                csv.write(label + "," + ",".join(values) + "\n")


write("train", [os.path.join(ANCHOR, "train", f) for f in ("abalone.train_0", "abalone.train_1")])
write("validation", [os.path.join(ANCHOR, "validation", "abalone.validation")])
