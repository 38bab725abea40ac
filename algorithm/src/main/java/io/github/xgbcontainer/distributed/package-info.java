/**
 * Training on several hosts through XGBoost's own collective (xgboost4j's {@code RabitTracker} and
 * {@code Communicator}): resolving the hosts SageMaker names in {@code resourceconfig.json} with
 * bounded back-off, the tracker's lifecycle on the leader (the first host by name), the roster that
 * agrees which hosts have data, the training group with a bounded {@code dmlc_timeout}, and naming
 * the host that was lost when the group breaks.
 */
package io.github.xgbcontainer.distributed;
