package io.wharf.kafka.api;

import java.net.SocketAddress;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What a handler knows about the request besides its body: the header (API, version, client id,
 * correlation id), the client's address, the listener it came in on, and when it arrived.
 */
public record RequestContext(RequestHeader header, SocketAddress clientAddress, String listenerName,
                             long receivedNanos) {
    public short apiVersion() { return header.apiVersion(); }

    public String clientId() { return header.clientId(); }

    /** The client's address as Kafka's group descriptions show it ({@code /127.0.0.1}). */
    public String clientHost() {
        if (clientAddress instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            return "/" + inet.getAddress().getHostAddress();
        }
        return String.valueOf(clientAddress);
    }
}
