/**
 * The RecordIO-protobuf content type ({@code application/x-recordio-protobuf}): SageMaker's
 * {@code aialgs.data.Record} messages, compiled from {@code src/main/proto/record.proto} at build
 * time, read one RecordIO frame at a time.
 */
package io.github.xgbcontainer.data.recordio;
