package dev.simrun.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Signs in a development user at the local stack's development OIDC issuer (the Cloud Tasks
 * emulator's {@code POST /dev/sign-in}) and prints or returns the ID token the api accepts: {@code
 * DevSignIn [--issuer URL] [--user NAME] [--role ROLE]}, what {@code ./simrun token} runs.
 */
public final class DevSignIn {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DevSignIn() {}

  public static void main(String[] args) {
    String issuer = "http://127.0.0.1:8123";
    String user = null;
    String role = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--issuer" -> issuer = args[++i];
        case "--user" -> user = args[++i];
        case "--role" -> role = args[++i];
        default -> {
          System.err.println("usage: token --user NAME [--role ROLE] [--issuer URL]");
          System.exit(2);
        }
      }
    }
    if (user == null) {
      System.err.println("usage: token --user NAME [--role ROLE] [--issuer URL]");
      System.exit(2);
    }
    try {
      System.out.println(idToken(issuer, user, role));
    } catch (IOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  /**
   * The ID token of development user {@code user} (with a {@code role} claim unless null).
   *
   * @throws IOException when the issuer cannot be reached or refuses the name
   */
  public static String idToken(String issuer, String user, String role) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("user", user);
    if (role != null) {
      body.put("role", role);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(issuer + "/dev/sign-in"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !answer.path("idToken").isTextual()) {
        throw new IOException(
            "the development issuer at "
                + issuer
                + " refused to sign in "
                + user
                + ": "
                + r.body());
      }
      return answer.path("idToken").asText();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signing in", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("the development issuer")) {
        throw e;
      }
      throw new IOException(
          "cannot reach the development issuer at " + issuer + " (is ./simrun up running?): " + e,
          e);
    }
  }
}
