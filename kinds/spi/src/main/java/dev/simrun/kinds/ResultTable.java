package dev.simrun.kinds;

import java.util.List;
import java.util.stream.Stream;

/**
 * A result as a table, for {@code GET /api/v1/simulations/{id}/result.csv}: the column names, then
 * the rows, produced lazily so that the api streams them instead of building the whole file.
 *
 * <p>A cell is a {@link String}, a {@link Number}, a {@link Boolean} or null (written empty); a
 * non-finite double is written empty too, since CSV readers disagree on NaN.
 *
 * @param columns the header row
 * @param rows one list of cells per row, each as long as {@code columns}
 */
public record ResultTable(List<String> columns, Stream<List<?>> rows) {

  public ResultTable {
    columns = List.copyOf(columns);
  }
}
