package dev.simrun.shared.endpoints;

import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import dev.simrun.shared.config.AgentsConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Endpoints} over the JDK's sockets and TLS, that cannot be sent inside: the URL must pass
 * the {@link Egress} of {@code simrun.agents.*}, the host is resolved once, every address it
 * resolves to must be {@link Egress#reachable} (unless the operator allows the host), and the
 * connection goes to one of those very addresses, so a name that resolves elsewhere a moment later
 * (DNS rebinding) changes nothing. HTTP/1.1, one connection per call, closed after it; redirects
 * are answers, never followed. The timeout holds for the whole exchange, the lookup and the body
 * included; the body is read up to its limit and no further. How a call failed is logged for
 * operators at DEBUG; callers get only the outcome.
 */
@Singleton
public class JdkEndpoints implements Endpoints {

  private static final Logger LOG = LoggerFactory.getLogger(JdkEndpoints.class);

  private final Egress egress;
  private final HostResolver resolver;
  private final Supplier<SSLSocketFactory> tls;

  /** With the operator's allowed hosts, the system's resolver and the JDK's trusted CAs. */
  @Inject
  public JdkEndpoints(AgentsConfig config) {
    this(
        Egress.allowing(config.allowedHosts()),
        HostResolver.SYSTEM,
        () -> (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /**
   * @param egress where calls may go
   * @param resolver how host names become addresses
   * @param tls the TLS of {@code https} calls, asked for at each one
   */
  public JdkEndpoints(Egress egress, HostResolver resolver, Supplier<SSLSocketFactory> tls) {
    this.egress = egress;
    this.resolver = resolver;
    this.tls = tls;
  }

  @Override
  public Egress egress() {
    return egress;
  }

  @Override
  public Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes)
      throws InterruptedException {
    Optional<String> refusal = egress.refusal(url);
    if (refusal.isPresent()) {
      LOG.debug("refused {}: {}", url.getHost(), refusal.get());
      return new Refused();
    }
    String host = Egress.host(url);
    Optional<InetAddress> literal;
    try {
      literal = Egress.literal(host);
    } catch (UnknownHostException e) {
      return new Refused();
    }
    PinnedExchange exchange =
        new PinnedExchange(
            url,
            host,
            literal.isPresent(),
            url.getScheme().equalsIgnoreCase("https") ? tls.get() : null);
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    FutureTask<Outcome> call =
        new FutureTask<>(() -> call(exchange, host, literal, json, millis, maxBodyBytes));
    Thread.ofVirtual().name("endpoint-call").start(call);
    try {
      return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.abort();
      call.cancel(true);
      return new TimedOut();
    } catch (InterruptedException e) {
      exchange.abort();
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      LOG.debug("call to {} failed", host, e.getCause());
      return new Failed();
    }
  }

  private Outcome call(
      PinnedExchange exchange,
      String host,
      Optional<InetAddress> literal,
      byte[] json,
      int timeoutMillis,
      int maxBodyBytes) {
    List<InetAddress> addresses;
    try {
      addresses = literal.isPresent() ? List.of(literal.get()) : resolver.resolve(host);
    } catch (UnknownHostException e) {
      LOG.debug("{} does not resolve", host);
      return new Failed();
    }
    if (addresses.isEmpty()) {
      return new Failed();
    }
    if (!egress.allowed(host) && !addresses.stream().allMatch(Egress::reachable)) {
      LOG.debug("refused {}: it resolves to {}", host, addresses);
      return new Refused();
    }
    try {
      return exchange.post(addresses, json, timeoutMillis, maxBodyBytes);
    } catch (SocketTimeoutException e) {
      return new TimedOut();
    } catch (IOException e) {
      LOG.debug("call to {} failed", host, e);
      return new Failed();
    }
  }
}
