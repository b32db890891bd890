package dev.simrun.shared.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An https call connects to the address it checked, yet TLS still speaks to the name: SNI carries
 * the URL's host and the certificate is verified against it, not against the address.
 */
class PinnedTlsTest {
  static final Duration AMPLE = Duration.ofSeconds(30);
  static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path dir;
  final ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
  final AtomicReference<List<SNIServerName>> serverNames = new AtomicReference<>();
  HttpsServer server;
  SSLContext clientTls;

  @BeforeEach
  void start() throws Exception {
    Path store = dir.resolve("model.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "model",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=model.example.com",
                "-ext",
                "SAN=dns:model.example.com",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("model", keys.getCertificate("model"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.setExecutor(serverThreads);
    server.createContext(
        "/predict",
        e -> {
          serverNames.set(
              ((ExtendedSSLSession) ((HttpsExchange) e).getSSLSession()).getRequestedServerNames());
          e.getRequestBody().readAllBytes();
          byte[] body = "{\"prediction\": 2}".getBytes(StandardCharsets.UTF_8);
          e.sendResponseHeaders(200, body.length);
          try (OutputStream out = e.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  /** Both names allowed (the server is on loopback) and both resolving to it. */
  private HttpClientEndpoints endpoints() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return new HttpClientEndpoints(
        Egress.allowing(List.of("model.example.com", "other.example.com")),
        host -> List.of(InetAddress.getByAddress(host, loopback.getAddress())),
        clientTls);
  }

  private Endpoints.Outcome post(String host) throws InterruptedException {
    return endpoints()
        .postJson(
            URI.create("https://" + host + ":" + server.getAddress().getPort() + "/predict"),
            "{}".getBytes(StandardCharsets.UTF_8),
            AMPLE,
            1024);
  }

  @Test
  void theHandshakeNamesTheHostAndVerifiesItsCertificate() throws Exception {
    assertThat(post("model.example.com"))
        .isInstanceOfSatisfying(
            Endpoints.Answered.class,
            a ->
                assertThat(new String(a.body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"prediction\": 2}"));
    assertThat(serverNames.get())
        .singleElement()
        .satisfies(
            n ->
                assertThat(new String(n.getEncoded(), StandardCharsets.US_ASCII))
                    .isEqualTo("model.example.com"));
  }

  @Test
  void aCertificateForAnotherNameFails() throws Exception {
    assertThat(post("other.example.com")).isInstanceOf(Endpoints.Failed.class);
    assertThat(serverNames.get()).as("no request was read").isNull();
  }
}
