/**
 * Typed, validated views of the JSON files SageMaker writes: input data configuration (channels, content types, input modes) and resource configuration (hosts).
 */
package io.github.xgbcontainer.config;
