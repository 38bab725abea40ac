/**
 * What a job leaves behind: the model (written atomically), evaluation history and feature importance, and the failure file.
 */
package io.github.xgbcontainer.output;
