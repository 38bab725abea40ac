/**
 * A local job's channel data on its way into a host: File mode downloaded, Pipe mode streamed into
 * one FIFO per epoch, FastFile mode into one FIFO per object in the order {@code train} reads the
 * folder. Depends on {@code local.store}, {@code local.plan}, {@code local.host}, {@code sagemaker} and {@code error}.
 */
package io.github.xgbcontainer.local.feed;
