package dev.simrun.shared.endpoints;

import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import dev.simrun.shared.config.AgentsConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Endpoints} over Apache HttpClient, that cannot be sent inside: the URL must pass the
 * {@link Egress} of {@code simrun.agents.*}, and the client's only resolver ({@link
 * CheckedDnsResolver}) looks the host up once for every new connection, refuses unless every
 * address is {@link Egress#reachable} (or the operator allows the host), and hands the client
 * exactly the addresses it checked: the client connects to nothing else, so a name that resolves
 * elsewhere a moment later (DNS rebinding) changes nothing. {@code https} is verified against the
 * URL's host (SNI and the certificate's names), whatever address answers. Connections are pooled
 * and kept alive per process; redirects are answers, never followed; nothing is retried here (the
 * kind has its own retries and breaker), no proxy is taken from the environment, no cookie or
 * credential is kept between calls. The timeout holds for the whole exchange, the lookup and the
 * body included; the body is read up to its limit and no further. How a call failed is logged for
 * operators at DEBUG; callers get only the outcome.
 */
@Singleton
public class HttpClientEndpoints implements Endpoints, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpClientEndpoints.class);

  /**
   * Open connections at most, to one host and in all: more than a process's slots call at once, so
   * a call never waits for one in practice (and if it does, its timeout counts the wait).
   */
  static final int MAX_CONNECTIONS = 128;

  /**
   * A ceiling for connecting, the TLS handshake and reading, so that no socket waits forever; each
   * call's own timeout ends an exchange sooner.
   */
  private static final Timeout CEILING = Timeout.ofMinutes(1);

  /** A kept-alive connection idle this long is checked before it is used again. */
  private static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(1);

  /** A kept-alive connection idle this long is closed. */
  private static final TimeValue MAX_IDLE = TimeValue.ofSeconds(30);

  private static final ContentType JSON = ContentType.create("application/json");

  private final Egress egress;
  private final CloseableHttpClient client;

  /** With the operator's allowed hosts, the system's resolver and the JDK's trusted CAs. */
  @Inject
  public HttpClientEndpoints(AgentsConfig config) {
    this(Egress.allowing(config.allowedHosts()), HostResolver.SYSTEM);
  }

  /** With the JDK's default TLS: its trusted CAs. */
  public HttpClientEndpoints(Egress egress, HostResolver resolver) {
    this(egress, resolver, SSLContexts.createSystemDefault());
  }

  /**
   * @param egress where calls may go
   * @param resolver how host names become addresses
   * @param tls the TLS of {@code https} calls: whom they trust
   */
  public HttpClientEndpoints(Egress egress, HostResolver resolver, SSLContext tls) {
    this.egress = egress;
    this.client =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(new CheckedDnsResolver(egress, resolver))
                    .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                    .setMaxConnTotal(MAX_CONNECTIONS)
                    .setMaxConnPerRoute(MAX_CONNECTIONS)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(CEILING)
                            .setSocketTimeout(CEILING)
                            .setValidateAfterInactivity(CHECK_AFTER_IDLE)
                            .build())
                    .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(CEILING).build())
                    .build())
            .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .evictIdleConnections(MAX_IDLE)
            .setUserAgent("simrun")
            .build();
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
    try {
      Egress.literal(host);
    } catch (UnknownHostException e) {
      return new Refused();
    }
    HttpHost target = new HttpHost(url.getScheme().toLowerCase(Locale.ROOT), host, url.getPort());
    HttpPost post = new HttpPost("/");
    post.setPath(pathAndQuery(url));
    post.setHeader(HttpHeaders.ACCEPT, "application/json");
    post.setEntity(new ByteArrayEntity(json, JSON));
    Timeout limit = Timeout.ofMilliseconds(Math.max(1, timeout.toMillis()));
    post.setConfig(
        RequestConfig.custom()
            .setConnectionRequestTimeout(limit)
            .setResponseTimeout(limit)
            .setRedirectsEnabled(false)
            .build());
    FutureTask<Outcome> call = new FutureTask<>(() -> exchange(target, post, maxBodyBytes));
    Thread.ofVirtual().name("endpoint-call").start(call);
    try {
      return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandon(post, call);
      return new TimedOut();
    } catch (InterruptedException e) {
      abandon(post, call);
      throw e;
    } catch (ExecutionException e) {
      LOG.debug("call to {} failed", host, e.getCause());
      return new Failed();
    }
  }

  /** Closes the exchange's connection and interrupts its thread, wherever it is. */
  private static void abandon(HttpPost post, FutureTask<Outcome> call) {
    post.abort();
    call.cancel(true);
  }

  private Outcome exchange(HttpHost target, HttpPost post, int maxBodyBytes) {
    try {
      ClassicHttpResponse response = client.executeOpen(target, post, HttpClientContext.create());
      boolean whole = false;
      try {
        Outcome outcome = read(response, maxBodyBytes);
        whole = outcome instanceof Answered;
        return outcome;
      } finally {
        if (!whole) {
          // The rest of the answer is not to be read, not even to keep the connection.
          post.abort();
        }
        closeQuietly(response);
      }
    } catch (SocketTimeoutException e) {
      return new TimedOut();
    } catch (IOException e) {
      if (refused(e)) {
        return new Refused();
      }
      LOG.debug("call to {} failed", target.getHostName(), e);
      return new Failed();
    }
  }

  /** The status and the whole body, or {@link TooLarge} as soon as the body goes past the limit. */
  private static Outcome read(ClassicHttpResponse response, int maxBodyBytes) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return new Answered(response.getCode(), new byte[0]);
    }
    if (entity.getContentLength() > maxBodyBytes) {
      return new TooLarge();
    }
    byte[] body =
        entity.getContent().readNBytes((int) Math.min(Integer.MAX_VALUE, maxBodyBytes + 1L));
    if (body.length > maxBodyBytes) {
      return new TooLarge();
    }
    return new Answered(response.getCode(), body);
  }

  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CheckedDnsResolver.RefusedAddress) {
        return true;
      }
    }
    return false;
  }

  private static String pathAndQuery(URI url) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException e) {
      // The connection is dropped or returned already; closing is all that is left.
    }
  }

  /** Closes the kept-alive connections; calls after it fail. */
  @PreDestroy
  @Override
  public void close() {
    client.close(CloseMode.GRACEFUL);
  }
}
