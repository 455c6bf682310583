package dev.weft.sample;

import dev.weft.poller.PollerMode;
import dev.weft.server.ServerConfig;
import java.util.Locale;

/**
 * The sample's command line. Every flag has a default; a bad flag or value is a {@link UsageException} (the
 * program prints it on one line and exits with 2).
 *
 * @param mode       which server serves the routes
 * @param host       the address to listen on
 * @param port       the port (0: any free one)
 * @param acceptors  weft's accepting threads (weft modes only)
 * @param pollerSets weft's poll sets (weft modes only)
 * @param pollerMode weft's poller mode (weft modes only)
 */
public record Options(Mode mode, String host, int port, int acceptors, int pollerSets, PollerMode pollerMode) {
    /** The three ways the same routes are served. */
    public enum Mode {
        WEFT("weft"), HELIDON_WEFT("helidon-weft"), HELIDON("helidon");

        final String flag;

        Mode(String flag) {
            this.flag = flag;
        }

        static Mode of(String flag) {
            for (Mode m : values()) {
                if (m.flag.equals(flag)) {
                    return m;
                }
            }
            throw new UsageException("--mode must be weft, helidon-weft or helidon, was " + flag);
        }

        @Override
        public String toString() {
            return flag;
        }
    }

    /** A command line the sample does not accept. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static final String HELP = """
            weft sample: the same HTTP routes served by weft, by Helidon on weft, or by stock Helidon.
              GET /plaintext, GET /json, POST /echo, /todos (POST, GET ?done=&q=, GET|DELETE /todos/{id}), GET /stats

            options (default in brackets):
              --mode MODE         weft | helidon-weft | helidon                      [weft]
              --host ADDRESS      address to listen on                               [127.0.0.1]
              --port N            port, 0 for any free one                           [8080]
              --acceptors N       weft accepting threads (weft modes only)           [cores: %d]
              --poller-sets N     weft poll sets (weft modes only)                   [cores: %d]
              --poller-mode virtual|carrier|platform
                                  weft's poller threads (weft modes only)            [virtual; one core: carrier]
              --help              this text
            Ctrl-C or SIGTERM stops the server gracefully and prints its counters.
            """;

    private static final java.util.Set<String> FLAGS =
            java.util.Set.of("--mode", "--host", "--port", "--acceptors", "--poller-sets",
                    "--poller-mode");

    static String help() {
        int cores = Runtime.getRuntime().availableProcessors();
        return HELP.formatted(cores, cores);
    }

    /** Parses {@code args}; null when --help was asked for. */
    static Options parse(String[] args) {
        int cores = Runtime.getRuntime().availableProcessors();
        Mode mode = Mode.WEFT;
        String host = "127.0.0.1";
        int port = 8080;
        int acceptors = cores;
        int sets = cores;
        PollerMode pollerMode = ServerConfig.defaultPollerMode(cores);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return null;
            }
            if (!FLAGS.contains(flag)) {
                throw new UsageException(flag.startsWith("-") ? "unknown option " + flag : "unexpected argument " + flag);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--mode" -> mode = Mode.of(value.toLowerCase(Locale.ROOT));
                case "--host" -> host = value;
                case "--port" -> port = number(flag, value, 0, 65_535);
                case "--acceptors" -> acceptors = number(flag, value, 1, 1024);
                case "--poller-sets" -> sets = number(flag, value, 1, 1024);
                case "--poller-mode" -> pollerMode = pollerMode(flag, value);
                default -> throw new AssertionError(flag);
            }
        }
        return new Options(mode, host, port, acceptors, sets, pollerMode);
    }

    private static PollerMode pollerMode(String flag, String value) {
        return switch (value) {
            case "virtual" -> PollerMode.VIRTUAL;
            case "platform" -> PollerMode.PLATFORM;
            case "carrier" -> PollerMode.CARRIER;
            default -> throw new UsageException(flag + " must be virtual, carrier or platform, was " + value);
        };
    }

    private static int number(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new UsageException(flag + " must be a number in " + min + ".." + max + ", was " + value);
    }
}
