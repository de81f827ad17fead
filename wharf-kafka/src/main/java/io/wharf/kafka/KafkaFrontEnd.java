package io.wharf.kafka;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.wharf.broker.net.ProtocolFrontEnd;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.api.ApiVersionsHandler;
import io.wharf.kafka.network.KafkaConnection;

/**
 * The Kafka protocol front-end: a size-prefixed frame decoder bounded by {@code socket.request.max.bytes}
 * (checked from the 4-byte size, before the body is buffered) and one {@link KafkaConnection} per client.
 */
public final class KafkaFrontEnd implements ProtocolFrontEnd {
    private final ApiRegistry registry;
    private final ApiVersionsHandler apiVersions;
    private final int maxRequestBytes;
    private final String listenerName;

    public KafkaFrontEnd(ApiRegistry registry, int maxRequestBytes, String listenerName) {
        this.registry = registry;
        this.apiVersions = new ApiVersionsHandler(registry);
        this.maxRequestBytes = maxRequestBytes;
        this.listenerName = listenerName;
    }

    @Override
    public String protocol() { return "Kafka"; }

    @Override
    public void initChannel(SocketChannel channel) {
        channel.pipeline()
            .addLast("frames", new LengthFieldBasedFrameDecoder(maxRequestBytes, 0, 4, 0, 4, true))
            .addLast("kafka", new KafkaConnection(registry, apiVersions, listenerName));
    }
}
