package dev.simrun.emulator.scheduler;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Runs the emulator standalone: {@code java -jar cloud-scheduler-emulator.jar --port 8124}. */
public final class Main {
  private static final String USAGE =
      """
      Cloud Scheduler v1 emulator (gRPC and REST on one port; state in memory)

      Options:
        --host HOST                     listen address (default 127.0.0.1)
        --port N                        port for gRPC and REST (default 8124; 0 = any free)
        --issuer URL                    OIDC issuer written into tokens (default http://HOST:PORT)
        --min-attempt-deadline DUR      shortest allowed attempt deadline (default PT15S)
        --faults d=P,c=P                inject faults into every job: d = duplicate delivery,
                                        c = concurrent duplicate
        --seed N                        seed for generated job ids and faults
      Durations are ISO-8601 (PT30S) or seconds.
      """;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "cloud-scheduler-emulator-logback.xml");
    }
    CloudSchedulerEmulator.Builder builder;
    try {
      builder = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (builder == null) {
      System.out.print(USAGE);
      return;
    }
    CloudSchedulerEmulator emulator = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  emulator.close();
                  stopped.countDown();
                }));
    System.out.println("cloud-scheduler-emulator ready on " + emulator.endpoint());
    stopped.await();
  }

  static CloudSchedulerEmulator.Builder parse(String[] args) {
    CloudSchedulerEmulator.Builder b = CloudSchedulerEmulator.builder().port(8124);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        return null;
      }
      String key = arg;
      String value;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        key = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      switch (key) {
        case "--host" -> b.host(value);
        case "--port" -> b.port(integer(key, value));
        case "--issuer" -> b.issuer(value);
        case "--min-attempt-deadline" -> b.minAttemptDeadline(duration(key, value));
        case "--faults" -> b.faults(faults(value));
        case "--seed" -> b.randomSeed(Long.parseLong(value));
        default -> throw new IllegalArgumentException("unknown option " + key);
      }
    }
    return b;
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " takes a whole number, not '" + value + "'");
    }
  }

  private static double number(String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " takes a number, not '" + value + "'");
    }
  }

  static Duration duration(String key, String value) {
    try {
      return value.startsWith("P") || value.startsWith("p")
          ? Duration.parse(value)
          : Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + " takes a duration (PT30S or 30), not '" + value + "'");
    }
  }

  static FaultPlan faults(String spec) {
    double d = 0, c = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("--faults takes d=P,c=P, not '" + spec + "'");
      }
      double p = number("--faults", kv[1]);
      switch (kv[0].trim()) {
        case "d", "duplicate" -> d = p;
        case "c", "concurrent" -> c = p;
        default -> throw new IllegalArgumentException("unknown fault '" + kv[0] + "'");
      }
    }
    return new FaultPlan(d, c);
  }
}
