/**
 * Content-type readers (CSV, LibSVM) that turn byte streams into columnar batches of rows, in parallel, with errors that name channel, file and line.
 * A CSV channel read for the quantised matrix may hold its batches' values as packed short decimals ({@code PackedDecimals}).
 */
package io.github.xgbcontainer.data;
