package io.wharf.amqp.frame;

/** The input is not a well-formed frame (too large, bad end octet): a 501 FRAME_ERROR connection error. */
public record FrameError(String message) {
}
