package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.device.DeviceCheck;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import sun.misc.Signal;

/**
 * The running server: Jetty listening on all interfaces, and the model. The port opens first and
 * the model loads meanwhile, so {@code /ping} answers 503 until it is loaded and 200 from then on
 * (SageMaker waits for 200 before it sends traffic); on a multi-model endpoint the models come and go
 * through {@code /models} and {@code /ping} answers 200 at once.
 */
public final class ModelServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());

  private final CompletableFuture<ServedModel> model;
  private final ModelRegistry registry;
  private final Server server;
  private final ServerConnector connector;
  private final GracefulHandler graceful;
  private final ConnectionsInUse inUse;
  private final int port;
  private final int graceSeconds;

  private ModelServer(CompletableFuture<ServedModel> model, ModelRegistry registry, Server server,
      ServerConnector connector, GracefulHandler graceful, ConnectionsInUse inUse, int port, int graceSeconds) {
    this.model = model;
    this.registry = registry;
    this.server = server;
    this.connector = connector;
    this.graceful = graceful;
    this.inUse = inUse;
    this.port = port;
    this.graceSeconds = graceSeconds;
  }

  /**
   * Opens the port and loads the model under {@code paths}, returning once it is loaded.
   *
   * @throws UserError when the model cannot be served or the settings are wrong
   * @throws PlatformError when the port cannot be opened
   */
  public static ModelServer start(SageMakerPaths paths, ServeSettings settings) {
    ModelServer server = open(paths, settings);
    try {
      server.awaitReady();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Opens the port and starts loading the model folder {@code model/} under {@code paths} (none on a
   * multi-model endpoint) in the background; {@link #awaitReady} waits for it.
   *
   * @throws PlatformError when the port cannot be opened
   */
  public static ModelServer open(SageMakerPaths paths, ServeSettings settings) {
    CompletableFuture<ServedModel> model = new CompletableFuture<>();
    // Decided once for the server (the driver is asked once), not once per model a multi-model endpoint
    // loads; a single model's loader decides it, off the path that opens the port.
    ModelRegistry registry = settings.multiModel()
        ? new ModelRegistry(settings.modelMemoryBytes(), settings.ensemble(), device(), settings.inferenceOutput(),
            settings.threads())
        : null;
    // The model loads while Jetty starts (loading xgboost4j's native library alone takes a few
    // hundred milliseconds); /ping answers 503 until both are done.
    CompletableFuture<ServedModel> loading = new CompletableFuture<>();
    long[] loadMillis = new long[1];
    if (registry == null) {
      Thread loader = new Thread(() -> {
        long started = System.nanoTime();
        try {
          ServedModel loaded = ServedModel.loadFolder(paths.modelDir(), settings.ensemble(), device());
          try {
            loaded.answering(settings.inferenceOutput());
          } catch (RuntimeException e) {
            loaded.close();
            throw e;
          }
          loadMillis[0] = (System.nanoTime() - started) / 1_000_000;
          loading.complete(loaded);
        } catch (RuntimeException | Error e) {
          loading.completeExceptionally(e);
        }
      }, "model-loader");
      loader.setDaemon(true);
      loader.start();
    }
    // Jetty's acceptor and selectors take threads from this pool too; request threads beyond the
    // cores mostly wait for them, but keep connections moving while others predict.
    QueuedThreadPool threads = new QueuedThreadPool(Math.max(16, 4 * settings.threads() + 8), 4);
    threads.setName("serve");
    Server server = new Server(threads);
    // On SIGTERM (see stopOnSigterm) the port closes and idle connections are closed at once;
    // the requests already accepted get up to this long, then the server stops.
    server.setStopTimeout(TimeUnit.SECONDS.toMillis(settings.stopGraceSeconds()));
    server.setStopAtShutdown(true);
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(settings.port());
    server.addConnector(connector);
    ConnectionsInUse inUse = new ConnectionsInUse(new RequestFailureLog(new InferenceHandler(
        registry == null ? model : null, registry, settings)));
    GracefulHandler graceful = new GracefulHandler(inUse);
    server.setHandler(graceful);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // already failing
      }
      if (registry != null) {
        registry.close();
      }
      loading.thenAccept(ServedModel::close);
      throw new PlatformError("cannot listen on port " + settings.port() + ": " + e.getMessage(), e);
    }
    int port = connector.getLocalPort();
    ModelServer running = new ModelServer(model, registry, server, connector, graceful, inUse, port,
        settings.stopGraceSeconds());
    if (registry != null) {
      LOG.info("multi-model endpoint ready " + sinceStart() + " on port " + port + ": models load through POST"
          + " /models, within " + ModelRegistry.mb(registry.budget()) + " (" + ServingVariables.MULTI_MODEL_MEMORY_MB
          + ")");
      LOG.info(ServedModel.predictionPath());
      model.complete(null);
      return running;
    }
    loading.whenComplete((loaded, failure) -> {
      if (failure != null) {
        model.completeExceptionally(failure instanceof CompletionException c ? c.getCause() : failure);
        return;
      }
      LOG.info("ready " + sinceStart() + " (the model took " + loadMillis[0] + " ms to load): serving "
          + String.join(", ", loaded.files()) + " from " + paths.modelDir() + " (" + loaded.objective() + ", "
          + loaded.features() + " features) on port " + port);
      LOG.info(ServedModel.predictionPath());
      model.complete(loaded);
    });
    return running;
  }

  /** The device to predict on ({@code cpu} or {@code cuda:N}), checked with the driver; says so in the log. */
  private static String device() {
    return DeviceCheck.forServing(ServingVariables.SERVE_DEVICE, System.getenv(ServingVariables.SERVE_DEVICE),
        Logger.getLogger(DeviceCheck.class.getName())::info);
  }

  /** "N ms after the JVM started", for the readiness lines. */
  private static String sinceStart() {
    return ManagementFactory.getRuntimeMXBean().getUptime() + " ms after the JVM started";
  }

  /**
   * Waits until the model is loaded.
   *
   * @throws UserError when the model cannot be served, or another {@code ContainerException}
   */
  public void awaitReady() {
    try {
      model.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
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
      long deadline = start + TimeUnit.SECONDS.toNanos(graceSeconds);
      inUse.stopping = true;
      try {
        // Jetty's own graceful stop gives every connection, idle keep-alive ones too, the same
        // idle timeout during shutdown: a short one cuts a request whose body is still arriving,
        // a long one keeps the process waiting on clients that send nothing more. So: close the
        // port, close the connections that hold no request, and wait for those that do.
        connector.setAccepting(false);
        connector.close();
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
          if (!inUse.busy.contains(endPoint)) {
            endPoint.close();
          }
        }
        while (!inUse.busy.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        // logged before the server stops: once it has, main returns from join and the JVM may exit
        long left = inUse.busy.size();
        LOG.info("stopped after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"
            + (left > 0 ? ", " + left + " requests unanswered at the end of the grace" : ", every request answered"));
        server.setStopTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        server.stop();
      } catch (Exception e) {
        LOG.warning("stopping the server: " + e);
      }
    });
  }

  /**
   * Knows which connections hold a request in progress, so that a stop can close the others at
   * once; while stopping, every answer says {@code Connection: close}.
   */
  private static final class ConnectionsInUse extends Handler.Wrapper {
    final Set<EndPoint> busy = ConcurrentHashMap.newKeySet();
    volatile boolean stopping;

    ConnectionsInUse(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      busy.add(endPoint);
      if (stopping) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      Callback done = new Callback() {
        @Override
        public void succeeded() {
          busy.remove(endPoint);
          callback.succeeded();
        }

        @Override
        public void failed(Throwable x) {
          busy.remove(endPoint);
          callback.failed(x);
        }

        @Override
        public InvocationType getInvocationType() {
          return callback.getInvocationType();
        }
      };
      boolean handled;
      try {
        handled = super.handle(request, response, done);
      } catch (Exception | Error e) {
        busy.remove(endPoint);
        throw e;
      }
      if (!handled) {
        busy.remove(endPoint);
      }
      return handled;
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warning("stopping the server: " + e);
    } finally {
      model.whenComplete((loaded, failure) -> {
        if (loaded != null) {
          loaded.close();
        }
      });
      if (registry != null) {
        registry.close();
      }
    }
  }
}
