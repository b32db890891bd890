package dev.simrun.emulator.scheduler;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.simrun.emulator.common.FrontDoor;
import dev.simrun.emulator.common.OidcIssuer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cloud Scheduler v1 emulator: gRPC and REST on one port, unix-cron schedules in time zones, HTTP
 * targets pushed with Cloud Scheduler's headers, retry rules and attempt deadlines, OIDC tokens a
 * receiver can verify. State lives in memory only.
 *
 * <pre>{@code
 * try (CloudSchedulerEmulator emulator = CloudSchedulerEmulator.builder().start()) {
 *   // point CloudSchedulerClient at emulator.endpoint() with a plaintext channel
 * }
 * }</pre>
 */
public final class CloudSchedulerEmulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CloudSchedulerEmulator.class);

  private final Jobs jobs;
  private final OidcIssuer oidc;
  private final Dispatcher dispatcher;
  private final Server grpc;
  private final FrontDoor front;
  private final String host;

  private CloudSchedulerEmulator(EmulatorSettings settings)
      throws IOException, InterruptedException {
    this.host = settings.host();
    this.jobs = new Jobs(settings);
    this.oidc = new OidcIssuer(settings.clock());
    this.dispatcher = new Dispatcher(jobs, oidc);
    this.grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(GrpcCloudSchedulerService.bind(jobs))
            .build()
            .start();
    InetSocketAddress grpcAddress = new InetSocketAddress("127.0.0.1", grpc.getPort());
    try {
      this.front =
          new FrontDoor(
              settings.host(), settings.port(), grpcAddress, () -> new RestGateway(jobs, oidc));
    } catch (RuntimeException | InterruptedException e) {
      grpc.shutdownNow();
      throw e;
    }
    oidc.issuer(settings.issuer() != null ? settings.issuer() : baseUrl());
    dispatcher.start();
    LOG.info(
        "Cloud Scheduler emulator listening on {} (gRPC and REST), issuer {}",
        endpoint(),
        issuer());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code host:port}, for {@code CloudSchedulerSettings.setEndpoint} with a plaintext channel. */
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
   * Any claims, signed with this emulator's key: for tests of what a verifier must refuse (an
   * expired token, another audience, another email) that only the signature's owner could make.
   */
  public String signedToken(Map<String, Object> claims) {
    try {
      return oidc.sign(JWTClaimsSet.parse(claims));
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("not JWT claims: " + claims, e);
    }
  }

  public EmulatorStats stats() {
    return jobs.stats();
  }

  /** Sets the faults of one job (by full name), or of every job without its own (null). */
  public void faults(String jobName, FaultPlan plan) {
    jobs.setFaults(jobName, Objects.requireNonNull(plan));
  }

  /** Makes a job follow the global fault plan again. */
  public void clearFaults(String jobName) {
    jobs.setFaults(Objects.requireNonNull(jobName), null);
  }

  /** Makes the dispatcher look at due jobs now; useful after moving a test clock. */
  public void wakeUp() {
    jobs.signal();
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

  /** Settings with the defaults of Cloud Scheduler, on a free loopback port. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String issuer;
    private Clock clock = Clock.systemUTC();
    private Duration minAttemptDeadline = Duration.ofSeconds(15);
    private long randomSeed = System.nanoTime();
    private FaultPlan faults = FaultPlan.NONE;

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

    /** The clock schedules, retries and tokens are read on; tests pass one they move. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Lowers the 15 s floor of attempt deadlines so a test can provoke a timeout quickly. */
    public Builder minAttemptDeadline(Duration min) {
      this.minAttemptDeadline = Objects.requireNonNull(min);
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

    public EmulatorSettings settings() {
      return new EmulatorSettings(
          host, port, issuer, clock, minAttemptDeadline, randomSeed, faults);
    }

    public CloudSchedulerEmulator start() {
      try {
        return new CloudSchedulerEmulator(settings());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the Cloud Scheduler emulator", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the emulator", e);
      }
    }
  }
}
