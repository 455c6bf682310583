package dev.weft.http;

import java.time.Duration;

/**
 * The HTTP/1.1 limits, validated eagerly (defaults in framework/README.md).
 *
 * @param maxRequestLineBytes request-line longer than this → 414. Default 8 KiB.
 * @param maxHeaderBytes      header section (every field line) longer than this → 431. Default 16 KiB.
 * @param maxHeaderCount      more field lines than this → 431. Default 100.
 * @param maxBodyBytes        request body longer than this → 413. Default 10 MiB.
 * @param headTimeout         the whole request head must arrive within this, from its first byte → 408.
 *                            Default 10 s.
 * @param bodyTimeout         a read of the request body that waits longer than this ends the connection.
 *                            Default 30 s.
 * @param errorDrainBytes     after an error response, at most this much further input is read and discarded
 *                            before closing (so the client reads the error instead of a reset). Default 64 KiB.
 */
public record HttpLimits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
                         Duration headTimeout, Duration bodyTimeout, int errorDrainBytes) {
    public HttpLimits {
        positive("maxRequestLineBytes", maxRequestLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxHeaderCount", maxHeaderCount);
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must be zero or positive, was " + maxBodyBytes);
        }
        if (headTimeout == null || headTimeout.isNegative() || headTimeout.isZero()) {
            throw new IllegalArgumentException("headTimeout must be positive, was " + headTimeout);
        }
        if (bodyTimeout == null || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("bodyTimeout must be positive, was " + bodyTimeout);
        }
        if (errorDrainBytes < 0) {
            throw new IllegalArgumentException("errorDrainBytes must be zero or positive, was " + errorDrainBytes);
        }
    }

    public static HttpLimits defaults() {
        return new HttpLimits(8 * 1024, 16 * 1024, 100, 10L * 1024 * 1024, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 64 * 1024);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
