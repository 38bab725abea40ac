/**
 * Turns parsed batches into xgboost4j matrices through the leanest path available (a quantised matrix built from a callback where the native shim loads, a plain DMatrix otherwise).
 */
package io.github.xgbcontainer.matrix;
