package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import io.github.xgbcontainer.serve.RequestReader.RequestType;
import io.github.xgbcontainer.serve.ResponseWriter.ResponseType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * SageMaker's serving contract: {@code GET /ping}, {@code GET /execution-parameters},
 * {@code POST /invocations}. A bad request is answered with a status and a one-line
 * {@code text/plain} message and never stops the server: 204 for an empty body, 400 for rows that
 * do not parse or do not fit the model, 406 for an unsupported {@code Accept}, 413 for a body over
 * the payload limit, 415 for an unsupported {@code Content-Type}, 408 for a body that does not
 * arrive within its deadline. The body is read asynchronously ({@link BodyReader}), so a slow client
 * never holds a request thread.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html">Batch transform container contract</a>
 */
final class InferenceHandler extends Handler.Abstract {

  private static final Logger LOG = Logger.getLogger(InferenceHandler.class.getName());

  private final ServedModel model;
  private final ServeSettings settings;
  private final InferenceOutput output;
  private final byte[] executionParameters;

  InferenceHandler(ServedModel model, ServeSettings settings, InferenceOutput output) {
    this.model = model;
    this.settings = settings;
    this.output = output;
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
          send(response, callback, 200, "text/plain", new byte[0]);
        }
        case "/execution-parameters" -> {
          requireMethod(method, "GET", path);
          send(response, callback, 200, "application/json", executionParameters);
        }
        case "/invocations" -> {
          requireMethod(method, "POST", path);
          invoke(request, response, callback);
        }
        default -> throw new HttpFailure(404, "no such path " + path
            + ", perhaps you should use /ping, /execution-parameters or /invocations");
      }
    });
    return true;
  }

  /** Runs {@code work}, answering what it throws with a status and a one-line message. */
  private static void answer(Request request, Response response, Callback callback, Runnable work) {
    try {
      work.run();
    } catch (HttpFailure e) {
      fail(request, response, callback, e.status(), e.getMessage());
    } catch (UserError e) {
      fail(request, response, callback, 400, e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "request failed: " + e, e);
      fail(request, response, callback, 500, e.getMessage());
    } catch (OutOfMemoryError e) {
      fail(request, response, callback, 503, "out of memory, perhaps you should send smaller requests");
    }
  }

  private void invoke(Request request, Response response, Callback callback) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    RequestType requestType = RequestType.of(contentType);
    if (requestType == null) {
      throw new HttpFailure(415, "content type '" + RequestReader.mediaType(contentType)
          + "' is not supported, perhaps you should send one of " + RequestType.supported());
    }
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    ResponseType responseType = ResponseType.ofAccept(accept);
    if (responseType == null) {
      throw new HttpFailure(406, "accept type '" + accept + "' is not supported, perhaps you should"
          + " ask for one of " + ResponseType.supported());
    }
    boolean contributions = wantsContributions(accept)
        || wantsContributions(request.getHeaders().get(ServingVariables.CUSTOM_ATTRIBUTES_HEADER));
    long declared = request.getLength();
    if (declared > settings.maxPayloadBytes()) {
      throw tooLarge(declared, settings.maxPayloadBytes());
    }
    BodyReader.read(request, settings.maxPayloadBytes(), settings.bodySeconds(),
        body -> answer(request, response, callback,
            () -> predict(response, callback, requestType, responseType, contributions, body)),
        failure -> fail(request, response, callback, failure.status(), failure.getMessage()));
  }

  private void predict(Response response, Callback callback, RequestType requestType,
      ResponseType responseType, boolean contributions, byte[] body) {
    Rows rows = body.length == 0 ? null : RequestReader.read(requestType, body);
    if (rows == null) {
      send(response, callback, 204, "text/plain", new byte[0]);
      return;
    }
    byte[] answer;
    if (contributions) {
      answer = ResponseWriter.values(responseType, "contributions", model.contributions(rows));
    } else if (output.isScores()) {
      answer = ResponseWriter.values(responseType, "score", model.predict(rows, false));
    } else {
      answer = ResponseWriter.selected(responseType, output, model.predict(rows, false));
    }
    send(response, callback, 200, responseType.mediaType(), answer);
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

  private static void fail(Request request, Response response, Callback callback, int status, String message) {
    request.setAttribute(RequestFailureLog.REASON, message);
    if (status == 408) {
      // The rest of a late body may still come; nothing on this connection can be trusted after it.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    send(response, callback, status, "text/plain; charset=utf-8",
        (message + "\n").getBytes(StandardCharsets.UTF_8));
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
