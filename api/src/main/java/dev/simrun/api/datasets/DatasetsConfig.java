package dev.simrun.api.datasets;

import dev.simrun.shared.datasets.DatasetStore;
import dev.simrun.shared.datasets.OhlcvCsv;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Dataset uploads ({@code simrun.datasets.*}).
 *
 * @param maxRows the most bars one upload may hold (2,000,000, which is also the ceiling)
 * @param maxUploadBytes the largest CSV, counted as it is read (64 MiB); keep the server's {@code
 *     micronaut.server.max-request-size} above it, so that this limit, which answers 413 at once,
 *     is the one a large upload meets
 * @param maxConcurrentUploads uploads one instance parses at once (2); beyond, 429 with {@code
 *     Retry-After}. Each holds its bars in memory until stored, about 100 MB at the largest, so
 *     this bounds what uploads take of the heap
 * @param maxUploadsPerOwner uploads one owner may have in flight on one instance (1), from the
 *     moment the route starts reading a CSV body until it is stored or refused; beyond, 429 with
 *     {@code Retry-After}. At most {@code max-concurrent-uploads}, and below it so that one caller
 *     cannot take every parsing slot. Counted per instance: with several, an owner may have this
 *     many on each
 * @param maxDatasetsPerOwner datasets one owner may keep (100); beyond, 413 {@code
 *     storage-quota-exceeded}
 * @param maxStoredBytesPerOwner bytes of datasets one owner may keep, as stored (the encoded bars,
 *     about a third of the CSV) (1 GiB); beyond, 413 {@code storage-quota-exceeded}
 */
@ConfigurationProperties("simrun.datasets")
public record DatasetsConfig(
    @Bindable(defaultValue = "2000000") @Min(1) @Max(OhlcvCsv.MAX_ROWS) int maxRows,
    @Bindable(defaultValue = "67108864") @Min(1) long maxUploadBytes,
    @Bindable(defaultValue = "2") @Min(1) @Max(64) int maxConcurrentUploads,
    @Bindable(defaultValue = "1") @Min(1) @Max(64) int maxUploadsPerOwner,
    @Bindable(defaultValue = "100") @Min(1) int maxDatasetsPerOwner,
    @Bindable(defaultValue = "1073741824") @Min(1) long maxStoredBytesPerOwner) {

  public DatasetsConfig {
    if (maxUploadsPerOwner > maxConcurrentUploads) {
      throw new IllegalArgumentException(
          "simrun.datasets.max-uploads-per-owner must not exceed"
              + " simrun.datasets.max-concurrent-uploads, or one caller can take every parsing"
              + " slot; were "
              + maxUploadsPerOwner
              + " and "
              + maxConcurrentUploads);
    }
  }

  /** What one owner may keep. */
  DatasetStore.Quota quota() {
    return new DatasetStore.Quota(maxDatasetsPerOwner, maxStoredBytesPerOwner);
  }
}
