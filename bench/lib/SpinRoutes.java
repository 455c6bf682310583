import dev.weft.http.HttpServer;

/**
 * The routes of the skew benches (SkewedCpu, AcceptorSkew; launched as multi-file source programs, JEP 458):
 * {@code /spin?ms=N} computes for N ms and answers, {@code /cheap} answers at once.
 */
final class SpinRoutes {
    private static volatile long sink; // keeps the spin loop from being optimised away

    private SpinRoutes() {}

    /** A builder on an ephemeral port with both routes. */
    static HttpServer.Builder builder() {
        HttpServer.Builder builder = HttpServer.builder().port(0);
        builder.get("/spin", (request, response) -> {
            long end = System.nanoTime() + Long.parseLong(request.queryParam("ms")) * 1_000_000L;
            long spins = 0;
            while (System.nanoTime() < end) {
                spins++;
            }
            sink = spins;
            response.send("spun\n");
        });
        builder.get("/cheap", (request, response) -> response.send("ok\n"));
        return builder;
    }
}
