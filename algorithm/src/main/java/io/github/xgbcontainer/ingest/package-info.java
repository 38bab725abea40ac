/**
 * Training input: reads the job's configuration files ({@code hyperparameters.json},
 * {@code inputdataconfig.json}, {@code resourceconfig.json}, {@code checkpointconfig.json}) into
 * typed values, opens the train and validation channels (source by input mode, reader by content
 * type, Pipe-mode timeouts, Parquet spooling), and checks what was read (shards without files,
 * validation features, labels) before anything trains.
 */
package io.github.xgbcontainer.ingest;
