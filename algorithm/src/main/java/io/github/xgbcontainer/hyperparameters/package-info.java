/**
 * The declarative hyperparameter table and its phased validation (aliases, required, parse, range, cross-field), producing one typed record and xgboost4j's parameter map.
 */
package io.github.xgbcontainer.hyperparameters;
