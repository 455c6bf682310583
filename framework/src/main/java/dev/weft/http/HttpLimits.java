package dev.weft.http;

import java.time.Duration;

/**
 * The HTTP/1.1 limits, validated eagerly (defaults in framework/README.md). Start from {@link #defaults()} and
 * change what you need with the {@code with...} methods.
 *
 * @param maxRequestLineBytes   request-line longer than this → 414. Default 8 KiB.
 * @param maxHeaderBytes        header section (every field line) longer than this → 431. Default 16 KiB.
 * @param maxHeaderCount        more field lines than this → 431. Default 100.
 * @param maxBodyBytes          request body longer than this → 413. Default 10 MiB.
 * @param headTimeout           the whole request head must arrive within this, from its first byte → 408.
 *                              Default 10 s.
 * @param bodyTimeout           a read of the request body that waits longer than this → 408 (if nothing was
 *                              answered yet) and the connection ends. Default 30 s.
 * @param errorDrainBytes       after an error response, at most this much further input is read and discarded
 *                              before closing (so the client reads the error instead of a reset). Default 64 KiB.
 * @param minBodyBytesPerSecond the slowest a request body may arrive, averaged over the time the server waits
 *                              for it, once {@code bodyRateGrace} of waiting is spent; slower → 408 and the
 *                              connection ends (a body trickled at 1 byte per 25 s is cut after the grace). 0
 *                              turns the rule off. Default 1 KiB/s.
 * @param bodyRateGrace         the waiting a body may do before the minimum rate applies. Default 10 s.
 * @param maxBufferedBodyBytes  the server-wide budget for request bytes buffered in memory by
 *                              {@link Request#bodyBytes()} and {@link Request#json(Class)}, across all
 *                              connections (each body's first 16 KiB are free); over it → 503 with Retry-After
 *                              and the connection ends. Default a quarter of the heap ({@code -Xmx / 4}).
 */
public record HttpLimits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
                         Duration headTimeout, Duration bodyTimeout, int errorDrainBytes,
                         long minBodyBytesPerSecond, Duration bodyRateGrace, long maxBufferedBodyBytes) {
    /** Checks every limit; the message names the first one out of range. */
    public HttpLimits {
        positive("maxRequestLineBytes", maxRequestLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxHeaderCount", maxHeaderCount);
        notNegative("maxBodyBytes", maxBodyBytes);
        positive("headTimeout", headTimeout);
        positive("bodyTimeout", bodyTimeout);
        notNegative("errorDrainBytes", errorDrainBytes);
        notNegative("minBodyBytesPerSecond", minBodyBytesPerSecond);
        positive("bodyRateGrace", bodyRateGrace);
        notNegative("maxBufferedBodyBytes", maxBufferedBodyBytes);
    }

    /**
     * The first seven limits as given, the body rate and the buffer budget at their defaults.
     *
     * @param maxRequestLineBytes see the record
     * @param maxHeaderBytes      see the record
     * @param maxHeaderCount      see the record
     * @param maxBodyBytes        see the record
     * @param headTimeout         see the record
     * @param bodyTimeout         see the record
     * @param errorDrainBytes     see the record
     */
    public HttpLimits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
                      Duration headTimeout, Duration bodyTimeout, int errorDrainBytes) {
        this(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, headTimeout, bodyTimeout,
                errorDrainBytes, DEFAULT_MIN_BODY_RATE, DEFAULT_BODY_RATE_GRACE, defaultBufferedBodyBytes());
    }

    private static final long DEFAULT_MIN_BODY_RATE = 1024;
    private static final Duration DEFAULT_BODY_RATE_GRACE = Duration.ofSeconds(10);

    /** {@return the defaults listed on the record's components} */
    public static HttpLimits defaults() {
        return new HttpLimits(8 * 1024, 16 * 1024, 100, 10L * 1024 * 1024, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 64 * 1024);
    }

    /**
     * A copy with another body limit.
     *
     * @param bytes the new {@code maxBodyBytes}
     * @return a copy with it
     */
    public HttpLimits withMaxBodyBytes(long bytes) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, bytes, headTimeout,
                bodyTimeout, errorDrainBytes, minBodyBytesPerSecond, bodyRateGrace, maxBufferedBodyBytes);
    }

    /**
     * A copy with another body read timeout.
     *
     * @param timeout the new {@code bodyTimeout}
     * @return a copy with it
     */
    public HttpLimits withBodyTimeout(Duration timeout) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, headTimeout,
                timeout, errorDrainBytes, minBodyBytesPerSecond, bodyRateGrace, maxBufferedBodyBytes);
    }

    /**
     * A copy with another minimum body rate.
     *
     * @param bytesPerSecond the new {@code minBodyBytesPerSecond} (0: off)
     * @param grace          the new {@code bodyRateGrace}
     * @return a copy with them
     */
    public HttpLimits withMinBodyRate(long bytesPerSecond, Duration grace) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, headTimeout,
                bodyTimeout, errorDrainBytes, bytesPerSecond, grace, maxBufferedBodyBytes);
    }

    /**
     * A copy with another buffer budget.
     *
     * @param bytes the new {@code maxBufferedBodyBytes}
     * @return a copy with it
     */
    public HttpLimits withMaxBufferedBodyBytes(long bytes) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, headTimeout,
                bodyTimeout, errorDrainBytes, minBodyBytesPerSecond, bodyRateGrace, bytes);
    }

    /** A quarter of the maximum heap: request bodies can never pin more than that between them. */
    private static long defaultBufferedBodyBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
        }
    }
}
