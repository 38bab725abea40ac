/**
 * What a job leaves behind: the model (written atomically, in a form every XGBoost from 1.7 on reads alike), evaluation history and feature importance, and the failure file;
 * and the check a model file passes before XGBoost's native loader is given it ({@link io.github.xgbcontainer.output.ModelValidator}).
 */
package io.github.xgbcontainer.output;
