package dev.simrun.shared.datasets;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code datasets} table through Micronaut Data: inserts and plain reads, each one statement
 * generated or checked at compile time. Views leave the bars out; only {@link #findById} reads
 * them.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface DatasetRepository extends GenericRepository<DatasetRow, UUID> {
  String VIEW =
      "SELECT id, name, rows, first_at, last_at, csv_bytes, octet_length(data) AS stored_bytes,"
          + " created_at FROM datasets";

  DatasetRow save(DatasetRow row);

  Optional<DatasetRow> findById(UUID id);

  @Query(VIEW + " WHERE id = :id AND owner = :owner")
  Optional<DatasetView> findView(UUID id, String owner);

  @Query(VIEW + " WHERE owner = :owner ORDER BY created_at DESC, id DESC LIMIT :limit")
  List<DatasetView> newest(String owner, int limit);

  @Query(
      VIEW
          + " WHERE owner = :owner AND (created_at, id) < (:createdAt, :id)"
          + " ORDER BY created_at DESC, id DESC LIMIT :limit")
  List<DatasetView> olderThan(String owner, Instant createdAt, UUID id, int limit);

  @Query(
      "SELECT count(*) AS datasets, coalesce(sum(octet_length(data)), 0) AS stored_bytes"
          + " FROM datasets WHERE owner = :owner")
  DatasetStore.Usage usage(String owner);

  @Query("SELECT id, owner, name, rows FROM datasets WHERE id = :id")
  Optional<DatasetOwner> findOwner(UUID id);

  /** Who owns a dataset, with what kinds may check of it. */
  @io.micronaut.core.annotation.Introspected
  record DatasetOwner(UUID id, String owner, String name, int rows) {}
}
