package io.stemtrace;

/**
 * Counters of one {@link Stemtrace} instance's publisher, since it was built.
 *
 * @param queued events accepted into the queue
 * @param sent events handed to the transport successfully
 * @param dropped events refused because the queue was full or the instance closed, or still queued
 *     when {@link Stemtrace#close} gave up waiting
 * @param failed events lost because the transport failed (or the event could not be encoded)
 * @param queueDepth events waiting right now
 */
public record StemtraceMetrics(long queued, long sent, long dropped, long failed, int queueDepth) {}
