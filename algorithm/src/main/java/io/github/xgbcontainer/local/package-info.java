/**
 * Local training jobs: runs a real {@code CreateTrainingJob} request on this machine. It lays out one
 * {@code /opt/ml} per host as SageMaker does, serves the channels from S3 (or {@code file://}):
 * File mode downloaded, Pipe mode streamed into FIFOs per epoch, FastFile mode streamed into a FIFO
 * per object when the host reads it; runs the hosts as processes or containers, enforces the stopping
 * condition, and uploads the model and output archives. An edge like {@code cli}: it depends on
 * {@code sagemaker}, {@code config} and {@code error}; nothing in the core depends on it.
 *
 * <p>This package holds the job ({@link io.github.xgbcontainer.local.LocalTrainingJob}: the steps
 * in order) and its summary. Its parts, each depending only on those listed before it:
 * {@code local.store} (object stores, archives, checkpoint sync), {@code local.plan} (the request
 * and each channel's objects), {@code local.host} (a host's tree and how it is started) and
 * {@code local.feed} (channels fetched or fed into FIFOs). Types are package-private unless another
 * package uses them.
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html
 */
package io.github.xgbcontainer.local;
