/**
 * Typed, validated views of the JSON files SageMaker writes: input data configuration (channels,
 * content types, input modes) and resource configuration (hosts); and the one table of content
 * types, which {@code serve} reads too, for request bodies and answers.
 */
package io.github.xgbcontainer.config;
