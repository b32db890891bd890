package dev.simrun.shared.datasets;

/**
 * An upload that would take its owner past {@link DatasetStore.Quota}: nothing was stored. The
 * message says what the owner keeps, what the quota is, and that deleting datasets makes room.
 */
public class StorageQuotaExceeded extends RuntimeException {
  private final DatasetStore.Usage usage;
  private final DatasetStore.Quota quota;

  StorageQuotaExceeded(String detail, DatasetStore.Usage usage, DatasetStore.Quota quota) {
    super(detail, null, false, false);
    this.usage = usage;
    this.quota = quota;
  }

  /**
   * Refuses a dataset of {@code bytes} stored bytes unless it fits beside {@code used}; with 0
   * bytes (its size not known yet), unless there is room for one more of any size.
   */
  static void check(DatasetStore.Usage used, long bytes, DatasetStore.Quota quota) {
    String keeps =
        "you keep "
            + used.datasets()
            + " datasets of "
            + used.storedBytes()
            + " bytes as stored; one owner may keep "
            + quota.maxDatasets()
            + " datasets and "
            + quota.maxStoredBytes()
            + " bytes";
    String delete =
        "; nothing was stored: delete datasets you no longer need"
            + " (DELETE /api/v1/datasets/{id}) and upload again";
    if (used.datasets() + 1 > quota.maxDatasets()) {
      throw new StorageQuotaExceeded(keeps + delete, used, quota);
    }
    boolean full =
        bytes == 0
            ? used.storedBytes() >= quota.maxStoredBytes()
            : used.storedBytes() + bytes > quota.maxStoredBytes();
    if (full) {
      String more = bytes == 0 ? "" : ", and this one takes " + bytes + " bytes more";
      throw new StorageQuotaExceeded(keeps + more + delete, used, quota);
    }
  }

  public DatasetStore.Usage usage() {
    return usage;
  }

  public DatasetStore.Quota quota() {
    return quota;
  }
}
