package dev.simrun.kinds;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where calls through {@link Endpoints} may go: out to the internet, never inside. A URL must be
 * {@code https} and its host a qualified name or a public unicast address; the addresses a name
 * resolves to are checked when the call is made ({@link #reachable}). Hosts the operator allows
 * (configuration) are trusted as they are: {@code http} too, and any address, e.g. a model on the
 * local stack's loopback.
 *
 * <p>Judged from the URL alone, {@link #refusal} is what a kind checks when a simulation is
 * submitted; the platform checks it again, and the resolved addresses, on every call.
 */
public final class Egress {

  /** No host allowed beyond the rules: what a process without configuration uses. */
  public static final Egress STRICT = new Egress(Set.of());

  private static final Pattern IPV4_PART = Pattern.compile("0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*");
  private static final Pattern CANONICAL_IPV4 =
      Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

  private final Set<String> allowedHosts;

  private Egress(Set<String> allowedHosts) {
    this.allowedHosts = allowedHosts;
  }

  /**
   * The rules, plus {@code hosts} trusted as they are: each a name or an address as a URL writes
   * it, compared without case and without a trailing dot.
   */
  public static Egress allowing(Collection<String> hosts) {
    Set<String> normal = new TreeSet<>();
    for (String host : hosts) {
      normal.add(normalize(host));
    }
    return new Egress(Set.copyOf(normal));
  }

  /** The hosts trusted as they are, normalized. */
  public Set<String> allowedHosts() {
    return allowedHosts;
  }

  /** Whether the operator trusts {@code host} (as {@link #host} gives it) as it is. */
  public boolean allowed(String host) {
    return allowedHosts.contains(normalize(host));
  }

  /**
   * Why a call to {@code url} would be refused, judged from the URL alone, for the caller who wrote
   * it; empty when it may go out, subject to the addresses its host resolves to.
   */
  public Optional<String> refusal(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("must be an https:// URL");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      return Optional.of("needs a host name or an address written a.b.c.d or [v6]");
    }
    if (url.getRawUserInfo() != null) {
      return Optional.of("must not carry credentials (user@host)");
    }
    String host = host(url);
    if (allowed(host)) {
      return Optional.empty();
    }
    if (!scheme.equals("https")) {
      return Optional.of("must be https:// (plain http only to hosts the operator allows)");
    }
    Optional<InetAddress> literal;
    try {
      literal = literal(host);
    } catch (UnknownHostException e) {
      return Optional.of("is not a valid address");
    }
    if (literal.isPresent()) {
      if (!reachable(literal.get())) {
        return Optional.of(
            "must not point inside: loopback, private, link-local, unique-local, multicast,"
                + " metadata and reserved addresses are refused");
      }
      if (!host.contains(":") && !CANONICAL_IPV4.matcher(host).matches()) {
        return Optional.of("an IPv4 address must be written a.b.c.d in decimal");
      }
      return Optional.empty();
    }
    if (!host.contains(".")
        || host.equals("metadata.google.internal")
        || host.endsWith(".internal")
        || host.endsWith(".localhost")) {
      return Optional.of(
          "must be a public, fully qualified host name (not localhost, metadata or .internal)");
    }
    return Optional.empty();
  }

  /**
   * The host of {@code url} as calls use it: lower case, IPv6 without brackets, without a trailing
   * dot.
   */
  public static String host(URI url) {
    return normalize(url.getHost());
  }

  private static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /**
   * The address {@code host} (as {@link #host} gives it) spells literally, in any spelling the
   * resolvers of operating systems accept: {@code a.b.c.d}, one 32-bit number, octal or hex parts,
   * fewer than four parts, IPv6; empty for a name.
   *
   * @throws UnknownHostException when it looks like an address but is none (a part too large, a
   *     zone id)
   */
  public static Optional<InetAddress> literal(String host) throws UnknownHostException {
    if (host.contains(":")) {
      if (host.contains("%") || !host.matches("[0-9a-fA-F:.]+")) {
        throw new UnknownHostException("not an IPv6 address");
      }
      return Optional.of(InetAddress.getByName("[" + host + "]"));
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (!IPV4_PART.matcher(part).matches()) {
        return Optional.empty();
      }
      try {
        values[i] =
            part.length() > 1 && (part.charAt(1) == 'x' || part.charAt(1) == 'X')
                ? (part.length() == 2 ? 0 : Long.parseLong(part.substring(2), 16))
                : part.length() > 1 && part.charAt(0) == '0'
                    ? Long.parseLong(part.substring(1), 8)
                    : Long.parseLong(part);
      } catch (NumberFormatException e) {
        throw new UnknownHostException("not an IPv4 address");
      }
    }
    long address = 0;
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 255) {
        throw new UnknownHostException("not an IPv4 address");
      }
      address |= values[i] << (8 * (3 - i));
    }
    long last = values[values.length - 1];
    if (last >= 1L << (8 * (5 - values.length))) {
      throw new UnknownHostException("not an IPv4 address");
    }
    address |= last;
    byte[] bytes = {
      (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
    };
    return Optional.of(InetAddress.getByAddress(bytes));
  }

  /**
   * Whether a call may connect to {@code address}: a public unicast address. Refused are this
   * network, loopback, private (RFC 1918), shared (100.64/10), link-local (the metadata server's
   * 169.254.169.254 among them), documentation, benchmarking, multicast, reserved and broadcast
   * IPv4; IPv6 outside global unicast (2000::/3: so loopback, unspecified, IPv4-compatible,
   * link-local, unique-local fc00::/7 where metadata servers also answer, multicast), Teredo and
   * documentation; and IPv6 that carries an IPv4 address (mapped, NAT64, 6to4) whose IPv4 address
   * is refused.
   */
  public static boolean reachable(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return reachableV4(b);
    }
    if (!(address instanceof Inet6Address)) {
      return false;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 0x00) {
      if (second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
        // 64:ff9b::/96 and 64:ff9b:1::/48, NAT64: the IPv4 address in the last 32 bits.
        return reachableV4(slice(b, 12));
      }
      // IPv4-mapped ::ffff:a.b.c.d (the JDK gives most as IPv4 already); the rest of ::/8,
      // unspecified, loopback and IPv4-compatible ::a.b.c.d included, is refused.
      boolean mapped = allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      return mapped && reachableV4(slice(b, 12));
    }
    if ((first & 0xe0) != 0x20) {
      // Outside global unicast 2000::/3: unique-local fc00::/7, link-local fe80::/10, site-local,
      // multicast ff00::/8, discard 100::/64 and the unassigned rest.
      return false;
    }
    if (first == 0x20 && second == 0x02) {
      return reachableV4(slice(b, 2)); // 6to4 2002::/16
    }
    if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
      return false; // Teredo 2001::/32: the IPv4 address inside is obfuscated
    }
    return !(first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8);
  }

  private static boolean reachableV4(byte[] b) {
    int a = b[0] & 0xff;
    int c = b[1] & 0xff;
    int d = b[2] & 0xff;
    return !(a == 0 // this network
        || a == 10 // private
        || (a == 100 && (c & 0xc0) == 64) // shared address space 100.64/10
        || a == 127 // loopback
        || (a == 169 && c == 254) // link-local, the metadata server
        || (a == 172 && (c & 0xf0) == 16) // private
        || (a == 192 && c == 0 && (d == 0 || d == 2)) // protocol assignments, documentation
        || (a == 192 && c == 88 && d == 99) // 6to4 relays
        || (a == 192 && c == 168) // private
        || (a == 198 && (c & 0xfe) == 18) // benchmarking
        || (a == 198 && c == 51 && d == 100) // documentation
        || (a == 203 && c == 0 && d == 113) // documentation
        || a >= 224); // multicast, reserved, broadcast
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] slice(byte[] b, int from) {
    return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
  }
}
