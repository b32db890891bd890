package dev.simrun.api.docs;

import dev.simrun.problems.Problem;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * For the API reference: the error answers every route of a controller shares, each an RFC 9457
 * problem detail with a stable {@code type} (one mapping, in the problems module).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ApiResponse(
    responseCode = "401",
    description =
        "Not signed in: no token, one that does not verify, or a token in the query string."
            + " Carries WWW-Authenticate: Bearer.",
    content =
        @Content(
            mediaType = "application/problem+json",
            schema = @Schema(implementation = Problem.class)))
@ApiResponse(
    responseCode = "4XX",
    description =
        "Refused: invalid input (400, with `errors` naming each field), another owner's or an"
            + " unknown resource (404, the same answer for both), a change through the session"
            + " cookie without X-SimRun-CSRF or an operator route for a non-operator (403), a"
            + " body over the limit (413), a refused admission (429).",
    content =
        @Content(
            mediaType = "application/problem+json",
            schema = @Schema(implementation = Problem.class)))
@ApiResponse(
    responseCode = "503",
    description = "The database or another dependency is down; try again later.",
    content =
        @Content(
            mediaType = "application/problem+json",
            schema = @Schema(implementation = Problem.class)))
public @interface ProblemAnswers {}
