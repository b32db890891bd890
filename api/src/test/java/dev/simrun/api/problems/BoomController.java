package dev.simrun.api.problems;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** A route that fails unexpectedly, to see what a caller learns from a 500. */
@Secured(SecurityRule.IS_ANONYMOUS)
@Controller("/test/boom")
class BoomController {
  @Get
  String boom() {
    throw new IllegalStateException("secret connection string");
  }
}
