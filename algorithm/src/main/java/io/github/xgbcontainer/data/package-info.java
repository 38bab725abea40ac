/**
 * Content-type readers (CSV, LibSVM) that turn byte streams into columnar batches of rows, in parallel, with errors that name channel, file and line.
 */
package io.github.xgbcontainer.data;
