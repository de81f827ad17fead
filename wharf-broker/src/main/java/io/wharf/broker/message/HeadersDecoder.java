package io.wharf.broker.message;

import java.util.Map;

/**
 * Decodes the headers table out of a message's opaque {@link Message#properties() properties}. The protocol
 * that owns the encoding provides it; the core calls it only for messages read back from a log that a
 * headers exchange must route (dead-lettering).
 */
@FunctionalInterface
public interface HeadersDecoder {
    HeadersDecoder NONE = properties -> Map.of();

    Map<String, Object> headers(byte[] properties);
}
