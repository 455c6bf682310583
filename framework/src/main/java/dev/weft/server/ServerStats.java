package dev.weft.server;

/**
 * A snapshot of a server's counters (each read racily: a snapshot, not a consistent cut).
 *
 * @param accepted              connections accepted and served
 * @param active                connections being served now
 * @param closed                served connections that have ended
 * @param rejected              connections refused because {@code maxConnections} were active (answered with the
 *                              over-capacity response, if one is set, and closed)
 * @param dropped               accepted connections closed unserved because the server could not take them on:
 *                              their registration or their thread's start failed (out of memory, a dead poll
 *                              set); each also started or continued an accept back-off
 * @param bytesIn               bytes read by handlers
 * @param bytesOut              bytes written by handlers
 * @param timeouts              connections ended by a first-byte, idle, read or write timeout
 * @param acceptBackoffEpisodes times accepting backed off: accept ran out of fds or memory (EMFILE, ENFILE, ENOBUFS,
 *                              ENOMEM), or taking a connection on failed unexpectedly
 * @param acceptorTakeovers     times a connection's first run held its acceptor for over a look (2 ms) and a
 *                              fresh acceptor took its listener over ({@link ServerConfig#firstRunOnAcceptor()})
 * @param failed                the server has failed ({@link Server#failure()}): it no longer accepts
 */
public record ServerStats(long accepted, int active, long closed, long rejected, long dropped, long bytesIn,
                          long bytesOut, long timeouts, long acceptBackoffEpisodes, long acceptorTakeovers,
                          boolean failed) {}
