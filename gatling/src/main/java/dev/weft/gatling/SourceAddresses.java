package dev.weft.gatling;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local addresses the connections come from. The server closes first in a connection-per-request run, so
 * every connection leaves a TIME_WAIT entry on the server's side for {@link ArrivalPlan#TIME_WAIT_SECONDS}; a
 * source address has only the ephemeral port range (~28k ports by default) to make distinct 4-tuples from, and a
 * new SYN landing on a 4-tuple still in TIME_WAIT may be dropped and retried a second later. So a plan opening more
 * than the budget in any 60 s window spreads its connections over several addresses of 127.0.0.0/8 (all of which
 * are loopback on Linux; Gatling assigns them round robin per virtual user).
 *
 * <p>Spec ({@code -Dsources}): {@code auto} (default) — as many of 127.0.0.1, 127.0.0.2, ... as the plan needs, or
 * none for an IPv6 target; {@code none} — the kernel picks; or a comma-separated list of loopback literals and
 * ranges of the last IPv4 octet ({@code 127.0.0.2-127.0.0.9}).
 *
 * @param addresses the literals to bind, empty to let the kernel pick
 */
public record SourceAddresses(List<String> addresses) {
    /** Ephemeral ports when /proc/sys/net/ipv4/ip_local_port_range cannot be read (Linux's default range). */
    static final int DEFAULT_PORTS = 60_999 - 32_768 + 1;
    /** The share of the ephemeral range one address may use within a TIME_WAIT window. */
    static final double PORT_SHARE = 0.9;
    /** Most addresses {@code auto} hands out (127.0.0.1 .. 127.0.0.250). */
    static final int MAX_AUTO = 250;

    public SourceAddresses {
        addresses = List.copyOf(addresses);
    }

    /**
     * The sources {@code spec} names for {@code target}, checked against the plan's busiest TIME_WAIT window.
     *
     * @throws IllegalArgumentException for a non-loopback source, one of the wrong family, or too few sources
     */
    public static SourceAddresses choose(String spec, Target target, long busiestWindow, int ports) {
        long budget = budgetPerAddress(ports);
        long needed = Math.max(1, (busiestWindow + budget - 1) / budget);
        List<String> chosen = switch (spec.strip()) {
            case "auto" -> auto(target, needed);
            case "none" -> List.of();
            default -> explicit(spec, target);
        };
        long have = Math.max(1, chosen.size());
        if (have < needed) {
            throw new IllegalArgumentException("the plan opens " + busiestWindow + " connections within "
                    + ArrivalPlan.TIME_WAIT_SECONDS + " s, over " + budget + " per source address (" + ports
                    + " ephemeral ports): give -Dsources=auto or " + needed + " addresses"
                    + (target.ipv4() ? " (e.g. -Dsources=127.0.0.1-127.0.0." + needed + ")"
                            : "; IPv6 has one loopback address: lower the rate or the hold, or use an IPv4 target"));
        }
        return new SourceAddresses(chosen);
    }

    /** The addresses as a list, or "(kernel's choice)" when none is bound. */
    @Override
    public String toString() {
        return addresses.isEmpty() ? "(kernel's choice)" : addresses.toString();
    }

    /** Connections one source address may open within a TIME_WAIT window. */
    public static long budgetPerAddress(int ports) {
        return (long) (ports * PORT_SHARE);
    }

    /** The size of this machine's ephemeral port range (Linux), or {@link #DEFAULT_PORTS}. */
    public static int ephemeralPorts() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip()
                    .split("\\s+");
            return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_PORTS;
        }
    }

    private static List<String> auto(Target target, long needed) {
        if (!target.ipv4() || needed > MAX_AUTO) {
            return List.of(); // checked by the caller: one address is all there is
        }
        List<String> list = new ArrayList<>();
        for (int i = 1; i <= needed; i++) {
            list.add("127.0.0." + i);
        }
        return list;
    }

    private static List<String> explicit(String spec, Target target) {
        List<String> list = new ArrayList<>();
        for (String part : spec.split(",")) {
            String item = part.strip();
            int dash = item.indexOf('-');
            if (dash < 0) {
                list.add(check(item, target));
                continue;
            }
            String first = check(item.substring(0, dash), target);
            String last = check(item.substring(dash + 1), target);
            String prefix = first.substring(0, first.lastIndexOf('.') + 1);
            int from = Integer.parseInt(first.substring(prefix.length()));
            int to = Integer.parseInt(last.substring(prefix.length()));
            if (!target.ipv4() || !last.startsWith(prefix) || to < from) {
                throw new IllegalArgumentException("-Dsources range " + item
                        + ": give first-last of one IPv4 /24, e.g. 127.0.0.2-127.0.0.9");
            }
            for (int i = from; i <= to; i++) {
                list.add(prefix + i);
            }
        }
        return list;
    }

    private static String check(String literal, Target target) {
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(literal.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-Dsources: " + literal + " is not an IP literal");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("-Dsources: " + literal + " refused: sources must be loopback");
        }
        if ((address instanceof Inet4Address) != target.ipv4()) {
            throw new IllegalArgumentException("-Dsources: " + literal + " is not of the target's address family");
        }
        return address.getHostAddress();
    }
}
