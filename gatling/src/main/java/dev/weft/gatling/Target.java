package dev.weft.gatling;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The URL a simulation requests, refused unless it is on this machine's loopback: 127.0.0.0/8, ::1, or
 * {@code localhost} when every address it resolves to (from /etc/hosts, no DNS) is one of those. Any other host
 * name is refused without a lookup, so a typo can neither send load off the machine nor a query to a resolver.
 *
 * @param uri     the parsed URL (http or https, with a host)
 * @param address the loopback address the host names
 */
public record Target(URI uri, InetAddress address) {

    public Target {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(refusal(uri.toString()));
        }
    }

    /**
     * Parses {@code url} and checks it is a loopback target.
     *
     * @throws IllegalArgumentException naming the URL and why it is refused
     */
    public static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("target " + url + " is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("target " + url + " must be an http:// or https:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("target " + url + " has no host");
        }
        return new Target(uri, loopback(uri.getHost(), url));
    }

    /** scheme://host:port, what Gatling's baseUrl takes. */
    public String baseUrl() {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** The path and query requested ("/" when the URL has none). */
    public String path() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** Whether the target is an IPv4 address (source addresses must be of the same family). */
    public boolean ipv4() {
        return address instanceof Inet4Address;
    }

    /**
     * The address {@code host} names, if it is a loopback literal or {@code localhost} resolving only to
     * loopback addresses.
     */
    static InetAddress loopback(String host, String url) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.equalsIgnoreCase("localhost")) {
            try {
                InetAddress[] all = InetAddress.getAllByName("localhost");
                for (InetAddress a : all) {
                    if (!a.isLoopbackAddress()) {
                        throw new IllegalArgumentException(refusal(url) + " (localhost resolves to " + a + ")");
                    }
                }
                return all[0];
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(refusal(url) + " (localhost does not resolve)");
            }
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(literal); // never a lookup
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(refusal(url) + " (give an IP literal such as 127.0.0.1, not a name)");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(refusal(url));
        }
        return address;
    }

    private static String refusal(String url) {
        return "target " + url + " refused: load goes only to this machine's loopback (127.0.0.0/8 or ::1)";
    }
}
