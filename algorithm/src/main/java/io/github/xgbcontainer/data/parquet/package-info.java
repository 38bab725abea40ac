/**
 * The Parquet content type ({@code application/x-parquet}): the only package that imports the
 * Parquet library. Files are read through parquet-java's Hadoop-free {@code InputFile}, one row
 * group at a time.
 */
package io.github.xgbcontainer.data.parquet;
