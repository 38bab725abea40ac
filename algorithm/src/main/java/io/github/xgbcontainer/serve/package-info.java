/**
 * The {@code serve} command: SageMaker hosting and batch transform from the same image that trains.
 *
 * <p>One process loads {@code /opt/ml/model/xgboost-model} once and answers {@code GET /ping},
 * {@code GET /execution-parameters} and {@code POST /invocations} on Jetty's core HTTP server.
 * Request bodies are parsed with the parsers that read training channels ({@code data}'s CSV and
 * LibSVM, {@code data.recordio}'s RecordIO-protobuf; JSON and JSON Lines here); prediction runs on one shared booster, whose in-place
 * prediction is thread-safe, on as many request threads as there are cores.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html">Use your own inference code with hosting services</a>
 */
package io.github.xgbcontainer.serve;
