"""The official SageMaker XGBoost image's serving path, reduced to what a CSV request does there:
a Flask app whose /invocations decodes the body, splits it into rows of floats with NumPy, builds
an xgboost.DMatrix, predicts with nthread=1 and joins the scores. Run under gunicorn with gevent
workers, one per core, keep-alive 60 s, with OMP_NUM_THREADS=1, as the official image does (its
serving entry point sets OMP_NUM_THREADS=1 unless the user set it; serve.py starts gunicorn -k gevent).

Usage: OMP_NUM_THREADS=1 MODEL=/path/xgboost-model gunicorn -k gevent -w <cores> --keep-alive 60 \
    -b 127.0.0.1:<port> official_serve:app
"""
import os

import flask
import numpy as np
import xgboost as xgb

app = flask.Flask(__name__)
booster = xgb.Booster()
booster.load_model(os.environ["MODEL"])
booster.set_param("nthread", 1)


@app.route("/ping", methods=["GET"])
def ping():
    return flask.Response(status=200)


@app.route("/invocations", methods=["POST"])
def invocations():
    payload = flask.request.get_data()
    if not payload:
        return flask.Response(status=204)
    text = payload.strip().decode("utf-8")
    rows = np.array([line.split(",") for line in text.split("\n") if line], dtype=np.float32)
    preds = booster.predict(xgb.DMatrix(rows), validate_features=False)
    body = "\n".join(str(p) for p in preds.tolist())
    return flask.Response(response=body, status=200, mimetype="text/csv")
