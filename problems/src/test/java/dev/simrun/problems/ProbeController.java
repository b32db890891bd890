package dev.simrun.problems;

import dev.simrun.shared.simulations.AdmissionRefused;
import dev.simrun.shared.simulations.KeysetCursor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;

/** Routes that fail the ways a service's routes do, to see what a caller gets back. */
@Controller("/probe")
class ProbeController {
  enum Colour {
    RED,
    DARK_BLUE
  }

  @Serdeable
  record Thing(String name, List<Integer> sizes) {}

  @Get("/colours")
  String colours(@QueryValue @Nullable Colour colour, @QueryValue @Min(1) @Max(9) int limit) {
    return (colour == null ? "any" : colour.name()) + " " + limit;
  }

  @Get("/pages")
  String pages(@QueryValue String cursor) {
    return KeysetCursor.decode(cursor).toString();
  }

  @Post("/admission")
  String admission() {
    throw new AdmissionRefused(
        "3 simulations are active; at most 3 may be", Duration.ofSeconds(30));
  }

  @Get("/database")
  String database() {
    throw new CannotGetJdbcConnectionException(
        "no connection", new SQLTransientConnectionException("pool timed out after 1000 ms"));
  }

  @Get("/problem")
  String problem() {
    throw ProblemException.retryLater(
        ProblemTypes.OVER_LIMIT, "this instance is busy", Duration.ofMillis(7_400));
  }

  @Get("/boom")
  String boom() {
    throw new IllegalStateException("secret connection string");
  }

  @Post("/things")
  @Consumes(MediaType.APPLICATION_JSON)
  String things(@Body Thing thing) {
    return thing.name();
  }
}
