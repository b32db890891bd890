package dev.simrun.worker.problems;

import dev.simrun.shared.simulations.KeysetCursor;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import java.sql.SQLTransientConnectionException;

/** Routes that fail the ways the worker's can, outside {@code /tasks/**} and its token check. */
@Controller("/test/fail")
class FailingController {
  @Get("/database")
  String database() {
    throw new CannotGetJdbcConnectionException(
        "no connection", new SQLTransientConnectionException("pool timed out after 1000 ms"));
  }

  @Get("/cursor")
  String cursor(@QueryValue String cursor) {
    return KeysetCursor.decode(cursor).toString();
  }

  @Get("/boom")
  String boom() {
    throw new IllegalStateException("secret connection string");
  }
}
