package dev.simrun.emulator.tasks;

import java.util.regex.Pattern;

/** The names a development user (and a role) may have: short, and safe in a URL or a log line. */
final class DevUsers {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private DevUsers() {}

  static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
