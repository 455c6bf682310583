package dev.weft.server;

/**
 * A snapshot of a server's counters (each read racily: a snapshot, not a consistent cut).
 *
 * @param accepted             connections accepted and served
 * @param active               connections being served now
 * @param closed               served connections that have ended
 * @param rejected             connections closed at once because {@code maxConnections} were active
 * @param bytesIn              bytes read by handlers
 * @param bytesOut             bytes written by handlers
 * @param timeouts             connections ended by an idle, read or write timeout
 * @param acceptBackoffEpisodes times accept ran out of fds or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) and backed off
 */
public record ServerStats(long accepted, int active, long closed, long rejected, long bytesIn, long bytesOut,
                          long timeouts, long acceptBackoffEpisodes) {}
