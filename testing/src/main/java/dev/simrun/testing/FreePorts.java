package dev.simrun.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for servers a test starts, chosen below Linux's ephemeral range (32768 and up): a port
 * from that range can be taken between the check and the bind by any outgoing connection of any
 * process on the machine, and builds run side by side here.
 */
public final class FreePorts {
  private static final int FROM = 10_000;
  private static final int TO = 32_000;

  private FreePorts() {}

  /** A port nothing listens on now, between 10000 and 32000. */
  public static int belowEphemeralRange() {
    for (int i = 0; i < 200; i++) {
      int port = ThreadLocalRandom.current().nextInt(FROM, TO);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
        s.setReuseAddress(true);
        return port;
      } catch (IOException taken) {
        // Try another.
      }
    }
    throw new IllegalStateException("no free port between " + FROM + " and " + TO);
  }
}
