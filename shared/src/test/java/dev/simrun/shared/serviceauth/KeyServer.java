package dev.simrun.shared.serviceauth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OIDC issuer on loopback for tests: serves a discovery document and a JWKS, counts the
 * requests, and can be told to fail or to hang.
 */
final class KeyServer implements AutoCloseable {
  static final String JWKS_PATH = "/keys";

  private final HttpServer server;
  private final AtomicInteger discoveries = new AtomicInteger();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final AtomicInteger letGo = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile List<RSAKey> keys;
  private volatile String discoveredIssuer;
  private volatile int status = 200;
  private volatile boolean hang;

  private KeyServer(HttpServer server, List<RSAKey> keys) {
    this.server = server;
    this.keys = keys;
  }

  static KeyServer start(RSAKey... keys) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      KeyServer ks = new KeyServer(server, List.of(keys));
      ks.discoveredIssuer = ks.issuer();
      server.createContext(SigningKeys.DISCOVERY_PATH, ks::discovery);
      server.createContext(JWKS_PATH, ks::jwks);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return ks;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String jwksUri() {
    return issuer() + JWKS_PATH;
  }

  int discoveries() {
    return discoveries.get();
  }

  int jwksFetches() {
    return jwksFetches.get();
  }

  void keys(RSAKey... keys) {
    this.keys = List.of(keys);
  }

  /** The issuer the discovery document names; a test sets another to provoke a mismatch. */
  void discoveredIssuer(String issuer) {
    this.discoveredIssuer = issuer;
  }

  /** Answers every request with this status (200: normally). */
  void status(int status) {
    this.status = status;
  }

  /** Accepts requests but answers none until {@link #close}. */
  void hang() {
    this.hang = true;
  }

  /** How many held requests (see {@link #hang}) the server has let go of, unanswered. */
  int letGo() {
    return letGo.get();
  }

  private void discovery(HttpExchange exchange) throws IOException {
    discoveries.incrementAndGet();
    respond(
        exchange, "{\"issuer\":\"" + discoveredIssuer + "\",\"jwks_uri\":\"" + jwksUri() + "\"}");
  }

  private void jwks(HttpExchange exchange) throws IOException {
    jwksFetches.incrementAndGet();
    respond(
        exchange,
        new JWKSet(keys.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList())
            .toString());
  }

  private void respond(HttpExchange exchange, String json) throws IOException {
    try (exchange) {
      if (hang) {
        try {
          released.await(30, TimeUnit.SECONDS);
        } finally {
          letGo.incrementAndGet();
        }
        return;
      }
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
