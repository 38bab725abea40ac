package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import sun.misc.Signal;

/**
 * The running server: the model loaded once, Jetty listening on all interfaces. {@code /ping}
 * answers 200 from the moment {@link #start} returns, since the model is loaded before the port
 * opens.
 */
public final class ModelServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());

  private final ServedModel model;
  private final Server server;
  private final GracefulHandler graceful;
  private final int port;
  private final int graceSeconds;

  private ModelServer(ServedModel model, Server server, GracefulHandler graceful, int port, int graceSeconds) {
    this.model = model;
    this.server = server;
    this.graceful = graceful;
    this.port = port;
    this.graceSeconds = graceSeconds;
  }

  /**
   * Loads {@code model/xgboost-model} under {@code paths} and starts listening.
   *
   * @throws UserError when the model cannot be served or the settings are wrong
   * @throws PlatformError when the port cannot be opened
   */
  public static ModelServer start(SageMakerPaths paths, ServeSettings settings) {
    ServedModel model = ServedModel.load(paths.modelFile());
    try {
      InferenceOutput output = settings.inferenceOutput() == null ? InferenceOutput.scores()
          : InferenceOutput.selected(settings.inferenceOutput(), model.objective(), model.numClass());
      if (!output.inapplicable().isEmpty()) {
        LOG.warning("SAGEMAKER_INFERENCE_OUTPUT: " + output.inapplicable() + " do not apply to objective '"
            + model.objective() + "' and are answered as NaN");
      }
      // Jetty's acceptor and selectors take threads from this pool too; request threads beyond the
      // cores mostly wait for them, but keep connections moving while others predict.
      QueuedThreadPool threads = new QueuedThreadPool(Math.max(16, 4 * settings.threads() + 8), 4);
      threads.setName("serve");
      Server server = new Server(threads);
      // On stop (SIGTERM, see stopOnSigterm) the connector stops accepting at once and the
      // graceful handler waits up to this long for the requests already accepted.
      server.setStopTimeout(TimeUnit.SECONDS.toMillis(settings.stopGraceSeconds()));
      server.setStopAtShutdown(true);
      ServerConnector connector = new ServerConnector(server);
      connector.setPort(settings.port());
      server.addConnector(connector);
      GracefulHandler graceful = new GracefulHandler(
          new RequestFailureLog(new InferenceHandler(model, settings, output)));
      // Jetty cuts in-flight requests that go idle for a second during shutdown by default; a
      // request whose body is still arriving gets the whole grace instead.
      graceful.setShutdownIdleTimeout(Math.max(1, TimeUnit.SECONDS.toMillis(settings.stopGraceSeconds())));
      server.setHandler(graceful);
      try {
        server.start();
      } catch (Exception e) {
        try {
          server.stop();
        } catch (Exception ignored) {
          // already failing
        }
        throw new PlatformError("cannot listen on port " + settings.port() + ": " + e.getMessage(), e);
      }
      int port = connector.getLocalPort();
      LOG.info("serving " + paths.modelFile() + " (" + model.objective() + ", " + model.features()
          + " features) on port " + port);
      return new ModelServer(model, server, graceful, port, settings.stopGraceSeconds());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The port listened on (the chosen one when started with port 0). */
  public int port() {
    return port;
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /**
   * Makes SIGTERM stop the server gracefully instead of killing the JVM: SageMaker stops an
   * endpoint (and scales one in) with SIGTERM, and the requests it has already sent must still be
   * answered. The port closes at once, accepted requests get up to the grace to finish, then
   * {@link #join} returns and the process can exit 0.
   */
  public void stopOnSigterm() {
    Signal.handle(new Signal("TERM"), signal -> {
      LOG.info("SIGTERM received: no new connections; finishing the requests in progress ("
          + graceful.getCurrentRequestCount() + "), for up to " + graceSeconds + " s");
      long start = System.nanoTime();
      try {
        server.stop();
      } catch (Exception e) {
        LOG.warning("stopping the server: " + e);
      }
      long left = graceful.getCurrentRequestCount();
      LOG.info("stopped after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"
          + (left > 0 ? ", " + left + " requests unanswered at the end of the grace" : ", every request answered"));
    });
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warning("stopping the server: " + e);
    } finally {
      model.close();
    }
  }
}
