/**
 * JSON text to Jackson's tree and plain documents to JSON text through jackson-core's streaming
 * parser and generator alone, so that a training job never constructs an {@code ObjectMapper}.
 */
package io.github.xgbcontainer.json;
