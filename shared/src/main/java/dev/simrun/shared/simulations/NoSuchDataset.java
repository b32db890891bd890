package dev.simrun.shared.simulations;

/**
 * A submission reads a dataset that is not (or no longer) its owner's: deleted since the submit was
 * validated. Nothing was stored. Says nothing about datasets of other owners.
 */
public class NoSuchDataset extends RuntimeException {
  private final String id;

  public NoSuchDataset(String id) {
    super("no dataset '" + id + "'", null, false, false);
    this.id = id;
  }

  public String id() {
    return id;
  }
}
