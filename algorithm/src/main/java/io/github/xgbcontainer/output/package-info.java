/**
 * What a job leaves behind: the model (written atomically, in a form every XGBoost from 1.7 on reads alike), evaluation history and feature importance, and the failure file.
 */
package io.github.xgbcontainer.output;
