/**
 * What a person looks at after a job: the learning curve, feature importance and SHAP charts
 * (PNG, drawn headless with JFreeChart) and one self-contained {@code report.html} that puts them
 * together with the hyperparameters, data shapes, timings and final metrics, the model evaluation
 * (confusion matrix, ROC, precision-recall, calibration; residuals; NDCG per query) and XGBoost's
 * effective parameters; and cross-validation's own report. Takes plain values; knows nothing of
 * xgboost4j.
 */
package io.github.xgbcontainer.report;
