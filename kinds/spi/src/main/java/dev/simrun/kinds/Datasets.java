package dev.simrun.kinds;

import java.util.Optional;

/**
 * Datasets callers uploaded ({@code POST /api/v1/datasets}), as kinds read them: by id, without
 * knowing where they are stored. Datasets never change once stored, so their bars may be cached.
 */
public interface Datasets {

  /** What a kind may check while validating parameters. */
  record Info(String id, String name, int rows) {}

  Optional<Info> info(String id);

  /**
   * The dataset's bars.
   *
   * @throws IllegalArgumentException when there is no such dataset
   */
  Bars bars(String id);

  /** No datasets at all: for direct, in-memory runs of kinds on generated data. */
  Datasets NONE =
      new Datasets() {
        @Override
        public Optional<Info> info(String id) {
          return Optional.empty();
        }

        @Override
        public Bars bars(String id) {
          throw new IllegalArgumentException("no dataset " + id);
        }
      };
}
