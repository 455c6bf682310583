package dev.weft.poller;

/**
 * One item in the registry dump, like a line of /proc/PID/fdinfo for an epoll fd
 * ({@code tfd: 7 events: 80002001 data: 100000003}).
 *
 * @param slot        its slot in the set's token table
 * @param generation  the slot's generation when it was registered
 * @param token       epoll_event.data: generation and slot
 * @param fd          the registered fd
 * @param interest    the epoll events registered so far (EPOLLET included)
 * @param inputReady  an input edge arrived and nobody consumed it yet
 * @param outputReady an output edge arrived and nobody consumed it yet
 * @param reader      the thread waiting for input, or "null"
 * @param writer      the thread waiting for output, or "null"
 */
public record ItemInfo(int slot, int generation, long token, int fd, int interest, boolean inputReady,
                       boolean outputReady, String reader, String writer) {
    @Override
    public String toString() {
        return String.format("tfd: %d events: %x data: %x slot: %d gen: %d ready: %s%s reader: %s writer: %s",
                fd, interest, token, slot, generation, inputReady ? "in" : "-", outputReady ? "+out" : "",
                reader, writer);
    }
}
