package dev.weft.poller;

/**
 * One item in the registry dump, like a line of /proc/PID/fdinfo for an epoll fd
 * ({@code tfd: 7 events: 80002001 data: 100000003}).
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
