package dev.simrun.api;

import dev.simrun.shared.config.ServiceMain;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The api service. It refuses to start with an invalid configuration ({@link StartChecks}). */
@OpenAPIDefinition(
    info =
        @Info(
            title = "SimRun API",
            version = "v1",
            description =
                "Submit long simulations, follow their progress as Server-Sent Events, read their"
                    + " results, upload datasets and handle dead letters. Every route needs an"
                    + " OIDC ID token from a trusted issuer, as `Authorization: Bearer` or in the"
                    + " `simrun_session` cookie (a request through the cookie that changes"
                    + " something also sends `X-SimRun-CSRF`); a token in the query string is"
                    + " refused. Errors are `application/problem+json` (RFC 9457) with a stable"
                    + " `type` under https://simrun.dev/problems/."),
    tags = {
      @Tag(name = "Simulations", description = "Submit, read, cancel and download simulations"),
      @Tag(
          name = "Events",
          description = "Server-Sent Events of one simulation, or of all of the caller's"),
      @Tag(name = "Datasets", description = "Upload, list and delete the caller's price data"),
      @Tag(
          name = "Dead letters",
          description = "The caller's chunks that failed for good: read, replay, discard"),
      @Tag(name = "Sign-in", description = "Who is signed in, and the browser's session cookie"),
      @Tag(
          name = "Operators: dead letters",
          description = "Every owner's dead letters (operators only)"),
      @Tag(
          name = "Operators: batches",
          description =
              "Named lists of simulations that Cloud Scheduler starts, and their runs (operators"
                  + " only)")
    },
    security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "session")})
@SecurityScheme(
    name = "bearer",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    bearerFormat = "JWT",
    description = "An OIDC ID token from one of the api's trusted issuers.")
@SecurityScheme(
    name = "session",
    type = SecuritySchemeType.APIKEY,
    in = SecuritySchemeIn.COOKIE,
    paramName = "simrun_session",
    description = "The browser session POST /api/v1/session sets; changes also need X-SimRun-CSRF.")
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    ServiceMain.run(Application.class, args);
  }
}
