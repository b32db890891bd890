package dev.simrun.kinds.climate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables shipped with the kind, read once from the module's resources: {@code hazards.csv},
 * {@code vulnerability.csv} and {@code warming.csv} (each documents its columns and units in its
 * header comment).
 */
record ShippedTables(
    List<ClimateParams.HazardRow> hazards,
    List<ClimateParams.CurveRow> vulnerability,
    int[] warmingYears,
    double[][] warming) {

  private static final class Holder {
    static final ShippedTables TABLES = load();
  }

  static ShippedTables get() {
    return Holder.TABLES;
  }

  private static ShippedTables load() {
    List<ClimateParams.HazardRow> hazards = new ArrayList<>();
    for (String[] f : rows("hazards.csv")) {
      hazards.add(
          new ClimateParams.HazardRow(
              f[0], f[1], num(f[2]), num(f[3]), num(f[4]), num(f[5]), num(f[6])));
    }
    List<ClimateParams.CurveRow> curves = new ArrayList<>();
    for (String[] f : rows("vulnerability.csv")) {
      List<Double> x = null;
      List<Double> y = null;
      if (f.length > 8 && !f[8].isBlank()) {
        x = new ArrayList<>();
        y = new ArrayList<>();
        for (String point : f[8].trim().split(" +")) {
          String[] xy = point.split(":");
          x.add(Double.parseDouble(xy[0]));
          y.add(Double.parseDouble(xy[1]));
        }
      }
      curves.add(
          new ClimateParams.CurveRow(
              f[0], f[1], f[2], num(f[3]), num(f[4]), num(f[5]), num(f[6]), num(f[7]), x, y));
    }
    List<String[]> warmingRows = rows("warming.csv");
    List<Integer> years = new ArrayList<>();
    for (String[] f : warmingRows) {
      int year = Integer.parseInt(f[1]);
      if (!years.contains(year)) {
        years.add(year);
      }
    }
    double[][] warming = new double[Scenarios.IDS.size()][years.size()];
    for (String[] f : warmingRows) {
      warming[Scenarios.IDS.indexOf(f[0])][years.indexOf(Integer.parseInt(f[1]))] =
          Double.parseDouble(f[2]);
    }
    int[] y = years.stream().mapToInt(Integer::intValue).toArray();
    ShippedTables tables = new ShippedTables(List.copyOf(hazards), List.copyOf(curves), y, warming);
    List<String> problems = new ArrayList<>();
    TableValidation.check(
        tables.hazards(), tables.vulnerability(), "shipped", (f, m) -> problems.add(f + ": " + m));
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the shipped climate tables are invalid: " + problems);
    }
    return tables;
  }

  private static Double num(String field) {
    return field.isBlank() ? null : Double.valueOf(field.trim());
  }

  /** The data rows of a CSV resource: no comment lines (#), no header, fields split on commas. */
  private static List<String[]> rows(String name) {
    try (InputStream in = ShippedTables.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<String[]> rows = new ArrayList<>();
      boolean header = true;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        rows.add(line.split(",", -1));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
