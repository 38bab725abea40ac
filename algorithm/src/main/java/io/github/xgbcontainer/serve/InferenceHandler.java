package io.github.xgbcontainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * SageMaker's serving contract: {@code GET /ping}, {@code GET /execution-parameters},
 * {@code POST /invocations}, and on a multi-model endpoint {@code /models} (load, list),
 * {@code /models/{name}} (describe, unload) and {@code POST /models/{name}/invoke}. A bad request is
 * answered with a status and a one-line {@code text/plain} message and never stops the server: 204
 * for an empty body, 400 for rows that do not parse or do not fit the model, 406 for an unsupported
 * {@code Accept}, 413 for a body over the payload limit, 415 for an unsupported
 * {@code Content-Type}, 408 for a body that does not arrive within its deadline, 503 while the model
 * is loading. The body is read asynchronously ({@link BodyReader}), so a slow client never holds a
 * request thread.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html">Batch transform container contract</a>
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/mms-container-apis.html">Multi-model endpoint contract</a>
 */
final class InferenceHandler extends Handler.Abstract {

  private static final Logger LOG = Logger.getLogger(InferenceHandler.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODELS = "/models";

  private final CompletableFuture<ServedModel> single;
  private final ModelRegistry registry;
  private final ServeSettings settings;
  private final byte[] executionParameters;

  /**
   * @param single the model of a single-model endpoint, loading or loaded; {@code null} with a registry
   * @param registry the models of a multi-model endpoint, or {@code null}
   */
  InferenceHandler(CompletableFuture<ServedModel> single, ModelRegistry registry, ServeSettings settings) {
    this.single = single;
    this.registry = registry;
    this.settings = settings;
    this.executionParameters = ("{\"MaxConcurrentTransforms\":" + settings.threads()
        + ",\"BatchStrategy\":\"MULTI_RECORD\",\"MaxPayloadInMB\":" + settings.maxPayloadMb() + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    answer(request, response, callback, () -> {
      switch (path) {
        case "/ping" -> {
          requireMethod(method, "GET", path);
          ping(response, callback);
        }
        case "/execution-parameters" -> {
          requireMethod(method, "GET", path);
          send(response, callback, 200, "application/json", executionParameters);
        }
        case "/invocations" -> {
          requireMethod(method, "POST", path);
          if (registry == null) {
            invoke(request, response, callback, singleModel());
          } else {
            String name = request.getHeaders().get(ServingVariables.TARGET_MODEL_HEADER);
            if (name == null || name.isBlank()) {
              throw new HttpFailure(400, "this is a multi-model endpoint (" + ServingVariables.MULTI_MODEL
                  + "=true): no model named, perhaps you should name it in the header "
                  + ServingVariables.TARGET_MODEL_HEADER + " or POST to /models/{name}/invoke");
            }
            invoke(request, response, callback, registered(name.strip()));
          }
        }
        default -> {
          if (path.equals(MODELS) || path.startsWith(MODELS + "/")) {
            models(request, response, callback, method, path);
          } else {
            throw new HttpFailure(404, "no such path " + path
                + ", perhaps you should use /ping, /execution-parameters or /invocations");
          }
        }
      }
    });
    return true;
  }

  private void ping(Response response, Callback callback) {
    if (registry == null && !single.isDone()) {
      throw new HttpFailure(503, "the model is still loading");
    }
    if (registry == null && single.isCompletedExceptionally()) {
      throw new HttpFailure(500, "the model could not be loaded");
    }
    send(response, callback, 200, "text/plain", new byte[0]);
  }

  /** The model of a single-model endpoint, once it is loaded. */
  private CompletableFuture<ServedModel> singleModel() {
    if (!single.isDone()) {
      throw new HttpFailure(503, "the model is still loading, perhaps you should wait until /ping answers 200");
    }
    return single;
  }

  /** The model of a multi-model endpoint, marked as used now; it may still be loading. */
  private CompletableFuture<ServedModel> registered(String name) {
    ModelRegistry.Entry entry = registry.use(name);
    if (entry == null) {
      throw notFound(name);
    }
    return entry.model;
  }

  private static HttpFailure notFound(String name) {
    return new HttpFailure(404, "ModelNotFoundException", "Model not found: " + name);
  }

  private void models(Request request, Response response, Callback callback, String method, String path) {
    if (registry == null) {
      throw new HttpFailure(404, "no such path " + path + ": models are loaded through " + MODELS
          + " on a multi-model endpoint only, perhaps you should set " + ServingVariables.MULTI_MODEL + "=true");
    }
    if (path.equals(MODELS)) {
      switch (method) {
        case "GET" -> sendJson(response, callback, 200, list());
        case "POST" -> BodyReader.read(request, settings.maxPayloadBytes(), settings.bodySeconds(),
            body -> answer(request, response, callback, () -> load(request, response, callback, body)),
            failure -> fail(request, response, callback, failure));
        default -> throw new HttpFailure(405, method + " " + path + " is not supported, perhaps you should use GET"
            + " (list) or POST (load)");
      }
      return;
    }
    String rest = path.substring(MODELS.length() + 1);
    if (rest.endsWith("/invoke")) {
      requireMethod(method, "POST", path);
      invoke(request, response, callback, registered(rest.substring(0, rest.length() - "/invoke".length())));
      return;
    }
    switch (method) {
      case "GET" -> {
        ModelRegistry.Entry entry = registry.get(rest);
        if (entry == null) {
          throw notFound(rest);
        }
        sendJson(response, callback, 200, describe(entry));
      }
      case "DELETE" -> {
        if (!registry.unload(rest)) {
          throw notFound(rest);
        }
        sendJson(response, callback, 200, JSON.createObjectNode().put("status", "Model \"" + rest + "\" unregistered"));
      }
      default -> throw new HttpFailure(405, method + " " + path + " is not supported, perhaps you should use GET"
          + " (describe) or DELETE (unload)");
    }
  }

  /** {@code POST /models}: answered once the model is loaded; the load runs on a loader thread. */
  private void load(Request request, Response response, Callback callback, byte[] body) {
    JsonNode spec;
    try {
      spec = JSON.readTree(body);
    } catch (IOException e) {
      throw new HttpFailure(400, "BadRequestException", "the body is not JSON (" + ServedModel.firstLine(e.getMessage()).lines().findFirst().orElse("")
          + "), perhaps you should send {\"model_name\": \"...\", \"url\": \"/opt/ml/models/...\"}");
    }
    String name = text(spec, "model_name");
    String url = text(spec, "url");
    ModelRegistry.Entry entry = registry.load(name, url);
    entry.model.whenComplete((model, failure) -> answer(request, response, callback, () -> {
      if (failure != null) {
        throw ModelRegistry.loadFailure(failure);
      }
      sendJson(response, callback, 200, JSON.createObjectNode().put("status", "Workers scaled"));
    }));
  }

  private static String text(JsonNode spec, String field) {
    JsonNode value = spec == null ? null : spec.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new HttpFailure(400, "BadRequestException", "Parameter " + field + " is required.");
    }
    return value.asText().strip();
  }

  private ObjectNode list() {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode models = out.putArray("models");
    for (ModelRegistry.Entry entry : registry.list()) {
      models.addObject().put("modelName", entry.name).put("modelUrl", entry.url);
    }
    return out;
  }

  private static ObjectNode describe(ModelRegistry.Entry entry) {
    ObjectNode out = JSON.createObjectNode().put("modelName", entry.name).put("modelUrl", entry.url)
        .put("status", entry.loaded() ? "loaded" : "loading").put("memoryBytes", entry.bytes);
    if (entry.loaded()) {
      ServedModel model = entry.model.join();
      out.put("objective", model.objective()).put("features", model.features());
      ArrayNode files = out.putArray("files");
      model.files().forEach(files::add);
    }
    return out;
  }

  /** Runs {@code work}, answering what it throws with a status and a one-line message. */
  private static void answer(Request request, Response response, Callback callback, Runnable work) {
    try {
      work.run();
    } catch (HttpFailure e) {
      fail(request, response, callback, e);
    } catch (UserError e) {
      fail(request, response, callback, new HttpFailure(400, e.getMessage()));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "request failed: " + e, e);
      fail(request, response, callback, new HttpFailure(500, e.getMessage()));
    } catch (OutOfMemoryError e) {
      fail(request, response, callback, new HttpFailure(503, "out of memory, perhaps you should send smaller requests"));
    }
  }

  private void invoke(Request request, Response response, Callback callback, CompletableFuture<ServedModel> model) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    ContentType requestType = ContentType.ofRequest(contentType);
    if (requestType == null) {
      throw new HttpFailure(415, "content type '" + ContentType.mediaType(contentType)
          + "' is not supported, perhaps you should send one of " + ContentType.supportedRequests());
    }
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    ContentType responseType = ResponseWriter.ofAccept(accept, settings.defaultAccept());
    if (responseType == null) {
      throw new HttpFailure(406, "accept type '" + accept + "' is not supported, perhaps you should"
          + " ask for one of " + ContentType.supportedResponses());
    }
    boolean contributions = wantsContributions(accept)
        || wantsContributions(request.getHeaders().get(ServingVariables.CUSTOM_ATTRIBUTES_HEADER));
    long declared = request.getLength();
    if (declared > settings.maxPayloadBytes()) {
      throw tooLarge(declared, settings.maxPayloadBytes());
    }
    BodyReader.read(request, settings.maxPayloadBytes(), settings.bodySeconds(),
        body -> model.whenComplete((served, failure) -> answer(request, response, callback, () -> {
          if (failure != null) {
            throw ModelRegistry.loadFailure(failure);
          }
          predict(served, response, callback, requestType, responseType, contributions, body);
        })),
        failure -> fail(request, response, callback, failure));
  }

  private void predict(ServedModel model, Response response, Callback callback, ContentType requestType,
      ContentType responseType, boolean contributions, byte[] body) {
    Rows rows = body.length == 0 ? null : RequestReader.read(requestType, body);
    if (rows == null) {
      send(response, callback, 204, "text/plain", new byte[0]);
      return;
    }
    InferenceOutput output = model.output();
    byte[] answer;
    if (contributions) {
      answer = ResponseWriter.values(responseType, "contributions", model.contributions(rows));
    } else if (output.isScores()) {
      answer = ResponseWriter.values(responseType, "score", model.predict(rows, false));
    } else {
      answer = ResponseWriter.selected(responseType, output, model.predict(rows, false));
    }
    send(response, callback, 200, responseType.mimeType(), answer);
  }

  /**
   * SHAP contributions are asked for with {@code output=contributions}, either as a parameter of
   * {@code Accept} ({@code text/csv; output=contributions}) or in InvokeEndpoint's
   * CustomAttributes.
   */
  static boolean wantsContributions(String header) {
    if (header == null) {
      return false;
    }
    for (String token : header.toLowerCase(Locale.ROOT).split("[,;]")) {
      if (token.replace(" ", "").equals("output=contributions")) {
        return true;
      }
    }
    return false;
  }

  static HttpFailure tooLarge(long size, long limit) {
    return new HttpFailure(413, "the payload" + (size >= 0 ? " of " + size + " bytes" : "")
        + " is over the limit of " + (limit / (1024 * 1024)) + " MB, perhaps you should send fewer"
        + " rows per request (batch transform: a smaller MaxPayloadInMB)");
  }

  private static void requireMethod(String method, String allowed, String path) {
    if (!method.equals(allowed)) {
      throw new HttpFailure(405, method + " " + path + " is not supported, perhaps you should use " + allowed);
    }
  }

  private static void fail(Request request, Response response, Callback callback, HttpFailure failure) {
    request.setAttribute(RequestFailureLog.REASON, failure.getMessage());
    if (failure.status() == 408) {
      // The rest of a late body may still come; nothing on this connection can be trusted after it.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    if (failure.type() != null) {
      sendJson(response, callback, failure.status(), JSON.createObjectNode().put("code", failure.status())
          .put("type", failure.type()).put("message", failure.getMessage()));
      return;
    }
    send(response, callback, failure.status(), "text/plain; charset=utf-8",
        (failure.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void sendJson(Response response, Callback callback, int status, JsonNode body) {
    try {
      send(response, callback, status, "application/json", JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
  }

  private static void send(Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    if (status != 204) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    }
    response.write(true, status == 204 ? null : ByteBuffer.wrap(body), callback);
  }
}
