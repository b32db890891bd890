package dev.simrun.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The body of a 2xx answer to a task: what the delivery did, for logs and for people reading Cloud
 * Tasks' attempt history.
 *
 * @param outcome e.g. {@code committed}, {@code nothing-to-do}, {@code superseded}
 * @param detail why, when there is more to say
 * @param attempt the chunk attempt this delivery ran as, when it ran one
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskAnswer(String outcome, @Nullable String detail, @Nullable Integer attempt) {

  public static TaskAnswer of(String outcome, String detail) {
    return new TaskAnswer(outcome, detail, null);
  }
}
