/**
 * The {@code serve} command: SageMaker hosting and batch transform from the same image that trains.
 *
 * <p>One process opens its port, loads the model folder {@code /opt/ml/model} once (one model file,
 * or several served as one ensemble, as the official image does) and answers {@code GET /ping}
 * (503 until the model is loaded), {@code GET /execution-parameters} and {@code POST /invocations}
 * on Jetty's core HTTP server. With {@code SAGEMAKER_MULTI_MODEL=true} it is a multi-model
 * endpoint instead: models are loaded from local folders through {@code /models} in the
 * background and kept within a memory budget, least recently used unloaded first
 * ({@code ModelRegistry}). Content types come from the one table,
 * {@code config.ContentType}. Request bodies are parsed with the parsers that read training
 * channels ({@code data}'s CSV and LibSVM, {@code data.recordio}'s RecordIO-protobuf; JSON and JSON
 * Lines here); prediction runs on shared boosters, whose in-place prediction is thread-safe, on as
 * many request threads as there are cores.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html">Use your own inference code with hosting services</a>
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/mms-container-apis.html">Contract for multi-model endpoints</a>
 */
package io.github.xgbcontainer.serve;
