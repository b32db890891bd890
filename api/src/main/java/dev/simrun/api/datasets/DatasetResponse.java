package dev.simrun.api.datasets;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.simrun.shared.datasets.DatasetView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.UUID;

/**
 * A stored dataset: its bars' count and time span, the upload's size and what storing it took.
 * Times are ISO-8601 in UTC.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DatasetResponse(
    UUID id,
    String name,
    int rows,
    String firstAt,
    String lastAt,
    long csvBytes,
    long storedBytes,
    String createdAt) {

  static DatasetResponse of(DatasetView v) {
    return new DatasetResponse(
        v.id(),
        v.name(),
        v.rows(),
        v.firstAt().toString(),
        v.lastAt().toString(),
        v.csvBytes(),
        v.storedBytes(),
        v.createdAt().toString());
  }

  /** One page of the caller's datasets, newest first; {@code nextCursor} null on the last page. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Page(List<DatasetResponse> items, @Nullable String nextCursor) {}
}
