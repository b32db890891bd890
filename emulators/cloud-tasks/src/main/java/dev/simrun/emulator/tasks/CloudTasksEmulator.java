package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.CreateQueueRequest;
import com.google.cloud.tasks.v2.Queue;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.simrun.emulator.common.FrontDoor;
import dev.simrun.emulator.common.IdentityToolkit;
import dev.simrun.emulator.common.OidcIssuer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cloud Tasks v2 emulator: gRPC and REST on one port, HTTP push with Cloud Tasks' retry, rate
 * limit and naming rules, OIDC tokens a receiver can verify. State lives in memory only.
 *
 * <pre>{@code
 * try (CloudTasksEmulator emulator = CloudTasksEmulator.builder().start()) {
 *   // point CloudTasksClient at emulator.endpoint() with a plaintext channel
 * }
 * }</pre>
 */
public final class CloudTasksEmulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CloudTasksEmulator.class);

  private final TaskQueues queues;
  private final FaultsAndStats controls;
  private final OidcIssuer oidc;
  private final Dispatcher dispatcher;
  private final Server grpc;
  private final FrontDoor front;
  private final String host;

  private CloudTasksEmulator(EmulatorSettings settings) throws IOException, InterruptedException {
    this.host = settings.host();
    this.queues = new TaskQueues(settings);
    this.controls = new FaultsAndStats(queues);
    this.oidc = new OidcIssuer(settings.clock());
    IdentityToolkit toolkit = new IdentityToolkit(oidc);
    Attempts attempts = new Attempts(queues);
    this.dispatcher = new Dispatcher(queues, attempts, oidc);
    Operations ops =
        new Operations(new QueueAdmin(queues), new TaskAdmin(queues, attempts), dispatcher);
    this.grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(new GrpcCloudTasksService(ops))
            .build()
            .start();
    InetSocketAddress grpcAddress = new InetSocketAddress("127.0.0.1", grpc.getPort());
    try {
      this.front =
          new FrontDoor(
              settings.host(),
              settings.port(),
              grpcAddress,
              () -> new RestGateway(ops, controls, oidc, toolkit));
    } catch (RuntimeException | InterruptedException e) {
      grpc.shutdownNow();
      throw e;
    }
    oidc.issuer(settings.issuer() != null ? settings.issuer() : baseUrl());
    for (String queue : settings.queues()) {
      ops.createQueue(
          CreateQueueRequest.newBuilder()
              .setParent(Names.parentOfQueue(queue))
              .setQueue(Queue.newBuilder().setName(queue))
              .build());
    }
    dispatcher.start();
    LOG.info(
        "Cloud Tasks emulator listening on {} (gRPC and REST), issuer {}", endpoint(), issuer());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code host:port}, for {@code CloudTasksSettings.setEndpoint} with a plaintext channel. */
  public String endpoint() {
    return host + ":" + port();
  }

  public int port() {
    return front.port();
  }

  /** {@code http://host:port}: the REST API, the stats and fault endpoints. */
  public String baseUrl() {
    return "http://" + endpoint();
  }

  /** The {@code iss} of the OIDC tokens; its discovery document is at {@code /.well-known/...}. */
  public String issuer() {
    return oidc.issuer();
  }

  public String jwksUri() {
    return baseUrl() + OidcIssuer.JWKS_PATH;
  }

  /**
   * The Identity Toolkit's email and password accounts ({@link IdentityToolkit}): what the api's
   * {@code simrun.identity.web.toolkit-url} names locally.
   */
  public String toolkitUrl() {
    return baseUrl() + IdentityToolkit.PREFIX;
  }

  /** The audience of the development users' ID tokens ({@link #userToken}). */
  public static String devAudience() {
    return OidcIssuer.DEV_AUDIENCE;
  }

  /**
   * A development user's ID token, as {@code POST /dev/sign-in} answers it: signed with this
   * emulator's key, issued by {@link #issuer()}, for {@link #devAudience()}.
   *
   * @param role a {@code role} claim, or null for none
   */
  public String userToken(String user, String role) {
    if (!DevUsers.valid(user) || (role != null && !DevUsers.valid(role))) {
      throw new IllegalArgumentException("invalid user or role: " + user + ", " + role);
    }
    return oidc.userToken(user, role);
  }

  /**
   * Any claims, signed with this emulator's key: for tests of what a verifier must refuse (an
   * expired token, another audience, another issuer) that only the signature's owner could make.
   */
  public String signedToken(Map<String, Object> claims) {
    try {
      return oidc.sign(JWTClaimsSet.parse(claims));
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("not JWT claims: " + claims, e);
    }
  }

  public EmulatorStats stats() {
    return controls.stats();
  }

  /** Sets the faults of one queue (by full name), or of every queue without its own (null). */
  public void faults(String queueName, FaultPlan plan) {
    controls.setFaults(queueName, Objects.requireNonNull(plan));
  }

  /** Makes a queue follow the global fault plan again. */
  public void clearFaults(String queueName) {
    controls.setFaults(Objects.requireNonNull(queueName), null);
  }

  /** Makes the dispatcher look at due tasks now; useful after moving a test clock. */
  public void wakeUp() {
    queues.signal();
  }

  @Override
  public void close() {
    dispatcher.close();
    front.close();
    grpc.shutdownNow();
    try {
      grpc.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Settings with the defaults of Cloud Tasks, on a free loopback port. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String issuer;
    private Clock clock = Clock.systemUTC();
    private Duration taskNameReservation = Duration.ofHours(1);
    private Duration minDispatchDeadline = Duration.ofSeconds(15);
    private double maxDispatchesPerSecond = 500;
    private long randomSeed = System.nanoTime();
    private FaultPlan faults = FaultPlan.NONE;
    private final List<String> queues = new ArrayList<>();

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host);
      return this;
    }

    /** 0 (the default) picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** How long a deleted or executed task's name stays taken; about an hour in Cloud Tasks. */
    public Builder taskNameReservation(Duration reservation) {
      this.taskNameReservation = Objects.requireNonNull(reservation);
      return this;
    }

    /** Lowers the 15 s floor of dispatch deadlines so a test can provoke a timeout quickly. */
    public Builder minDispatchDeadline(Duration min) {
      this.minDispatchDeadline = Objects.requireNonNull(min);
      return this;
    }

    /** Raises Cloud Tasks' limit of 500 dispatches/s per queue (not faithful; for benchmarks). */
    public Builder maxDispatchesPerSecond(double max) {
      this.maxDispatchesPerSecond = max;
      return this;
    }

    public Builder randomSeed(long seed) {
      this.randomSeed = seed;
      return this;
    }

    public Builder faults(FaultPlan plan) {
      this.faults = Objects.requireNonNull(plan);
      return this;
    }

    /** A queue to create at start, by full name {@code projects/P/locations/L/queues/Q}. */
    public Builder queue(String name) {
      this.queues.add(Names.queue(name));
      return this;
    }

    public EmulatorSettings settings() {
      return new EmulatorSettings(
          host,
          port,
          issuer,
          clock,
          taskNameReservation,
          minDispatchDeadline,
          maxDispatchesPerSecond,
          randomSeed,
          faults,
          List.copyOf(queues));
    }

    public CloudTasksEmulator start() {
      try {
        return new CloudTasksEmulator(settings());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the Cloud Tasks emulator", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the emulator", e);
      }
    }
  }
}
