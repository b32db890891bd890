package dev.simrun.shared.endpoints;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves a host name to its addresses: the system's resolver, or a test's own map. */
@FunctionalInterface
public interface HostResolver {

  /** Every address of {@code host}, at least one. */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The system's resolver (DNS, hosts file), as the JDK asks it. */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
}
