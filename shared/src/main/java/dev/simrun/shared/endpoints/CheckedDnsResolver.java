package dev.simrun.shared.endpoints;

import dev.simrun.kinds.Egress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP client's only way from a host to addresses, asked once for every new connection: an
 * address literal stands for itself, a name is looked up once through the {@link HostResolver}, and
 * unless the operator allows the host, every address must be {@link Egress#reachable}. What it
 * returns are exactly the addresses it checked, and the client connects to nothing else, so a name
 * that answers differently a moment later (DNS rebinding) changes nothing.
 */
final class CheckedDnsResolver implements DnsResolver {

  private static final Logger LOG = LoggerFactory.getLogger(CheckedDnsResolver.class);

  /** The host resolves to an address calls may not reach; nothing was sent. */
  static final class RefusedAddress extends UnknownHostException {
    RefusedAddress(String host) {
      super(host);
    }
  }

  private final Egress egress;
  private final HostResolver resolver;

  CheckedDnsResolver(Egress egress, HostResolver resolver) {
    this.egress = egress;
    this.resolver = resolver;
  }

  /**
   * @param host the URL's host as {@link Egress#host} gives it
   * @throws RefusedAddress when an address is not to be reached
   * @throws UnknownHostException when the host does not resolve
   */
  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    Optional<InetAddress> literal = Egress.literal(host);
    List<InetAddress> addresses =
        literal.isPresent() ? List.of(literal.get()) : resolver.resolve(host);
    if (addresses.isEmpty()) {
      throw new UnknownHostException(host);
    }
    if (!egress.allowed(host) && !addresses.stream().allMatch(Egress::reachable)) {
      LOG.debug("refused {}: it resolves to {}", host, addresses);
      throw new RefusedAddress(host);
    }
    if (Thread.currentThread().isInterrupted()) {
      // The caller gave up during the lookup: connect to nothing.
      throw new UnknownHostException(host + ": the call was abandoned");
    }
    return addresses.toArray(InetAddress[]::new);
  }

  @Override
  public String resolveCanonicalHostname(String host) {
    return host;
  }
}
