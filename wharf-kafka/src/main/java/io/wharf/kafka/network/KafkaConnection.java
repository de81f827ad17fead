package io.wharf.kafka.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.api.ApiVersionsHandler;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.produce.LegacyProduceRejection;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka client connection: turns each frame into a parsed request, dispatches it to its handler and
 * writes the responses back strictly in request order, even when a later request completes first.
 *
 * <p>Bad input, as Kafka treats it: a frame larger than {@code socket.request.max.bytes}, an unknown API
 * key, or a header or body that does not parse closes the connection with a log line saying why; a known
 * API at a version this broker does not implement gets UNSUPPORTED_VERSION (ApiVersions replies with the
 * supported table so the client can pick). Produce v0-2, advertised for librdkafka's sake but beyond
 * kafka-clients' parser, is answered UNSUPPORTED_VERSION by {@link LegacyProduceRejection}. Other
 * connections are never affected.
 *
 * <p>Threading: everything here runs on the channel's event loop; handler futures may complete on any
 * thread and hop back to it.
 */
public final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
    /** Requests queued without a response before the connection stops reading (back-pressure). */
    private static final int MAX_IN_FLIGHT = 64;

    private final ApiRegistry registry;
    private final ApiVersionsHandler apiVersions;
    private final String listenerName;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean paused;

    /**
     * A request whose response is due, in arrival order. {@code rawFrame}, when set, is a response already
     * serialised by hand (Produce v0-2) and is sent as it is.
     */
    private record Pending(RequestHeader header, AbstractRequest request, CompletableFuture<AbstractResponse> response,
                           ByteBuffer rawFrame) {
        Pending(RequestHeader header, AbstractRequest request, CompletableFuture<AbstractResponse> response) {
            this(header, request, response, null);
        }
    }

    public KafkaConnection(ApiRegistry registry, ApiVersionsHandler apiVersions, String listenerName) {
        this.registry = registry;
        this.apiVersions = apiVersions;
        this.listenerName = listenerName;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            handleFrame(frame);
        } finally {
            frame.release();
        }
    }

    private void handleFrame(ByteBuf frame) {
        long received = System.nanoTime();
        if (frame.readableBytes() < 8) {
            close("a request of " + frame.readableBytes() + " bytes is too short for a request header");
            return;
        }
        short apiKey = frame.getShort(frame.readerIndex());
        short version = frame.getShort(frame.readerIndex() + 2);
        if (!ApiKeys.hasId(apiKey)) {
            close("unknown API key " + apiKey);
            return;
        }
        ApiKeys api = ApiKeys.forId(apiKey);
        ByteBuffer buffer = frame.nioBuffer();
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            close("malformed " + api + " v" + version + " request header: " + e.getMessage());
            return;
        }
        ApiRegistry.Registration registration = registry.lookup(api).orElse(null);
        boolean supported = registration != null && registration.supports(version);
        if (!supported && api == ApiKeys.API_VERSIONS) {
            // KIP-511: answer with version 0 and the table, so the client retries with a version we have.
            enqueue(header, null, CompletableFuture.completedFuture(null), apiVersions.response(Errors.UNSUPPORTED_VERSION));
            return;
        }
        if (api == ApiKeys.PRODUCE && LegacyProduceRejection.handles(version)) {
            rejectLegacyProduce(header, buffer);
            return;
        }
        if (!api.isVersionSupported(version)) {
            close(api + " version " + version + " is outside the range this broker can parse (" + api.oldestVersion()
                + "-" + api.latestVersion() + ")");
            return;
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            close("malformed " + api + " v" + version + " request (correlation id " + header.correlationId() + "): "
                + e.getMessage());
            return;
        }
        CompletableFuture<AbstractResponse> response;
        if (!supported) {
            LOG.debug("{} v{} from {} is not implemented; answering UNSUPPORTED_VERSION", api, version,
                ctx.channel().remoteAddress());
            response = CompletableFuture.completedFuture(request.getErrorResponse(Errors.UNSUPPORTED_VERSION.exception()));
        } else {
            RequestContext context = new RequestContext(header, ctx.channel().remoteAddress(), listenerName, received);
            try {
                response = registration.handler().handle(context, request);
            } catch (RuntimeException e) {
                LOG.error("{} handler failed on a request from {}", api, ctx.channel().remoteAddress(), e);
                response = CompletableFuture.completedFuture(request.getErrorResponse(e));
            }
        }
        enqueue(header, request, response, null);
    }

    private void rejectLegacyProduce(RequestHeader header, ByteBuffer body) {
        LegacyProduceRejection rejection = LegacyProduceRejection.parse(header.apiVersion(), body).orElse(null);
        if (rejection == null) {
            close("malformed PRODUCE v" + header.apiVersion() + " request (correlation id " + header.correlationId() + ")");
            return;
        }
        LOG.debug("PRODUCE v{} from {} ({} partitions) is below v3; answering UNSUPPORTED_VERSION", header.apiVersion(),
            ctx.channel().remoteAddress(), rejection.partitionCount());
        if (!rejection.expectsResponse()) return; // acks=0
        track(new Pending(header, null, CompletableFuture.completedFuture(null),
            rejection.responseFrame(header.correlationId())));
    }

    private void enqueue(RequestHeader header, AbstractRequest request, CompletableFuture<AbstractResponse> response,
                         ApiVersionsResponseData apiVersionsFallback) {
        CompletableFuture<AbstractResponse> tracked = apiVersionsFallback == null ? response
            : CompletableFuture.completedFuture(new org.apache.kafka.common.requests.ApiVersionsResponse(apiVersionsFallback));
        track(new Pending(header, request, tracked));
    }

    private void track(Pending p) {
        CompletableFuture<AbstractResponse> tracked = p.response();
        pending.add(p);
        if (pending.size() >= MAX_IN_FLIGHT && !paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
        if (tracked.isDone()) {
            sendReady();
        } else {
            tracked.whenComplete((r, e) -> {
                if (ctx.executor().inEventLoop()) sendReady();
                else ctx.executor().execute(this::sendReady);
            });
        }
    }

    /** Writes every response at the head of the queue that is complete; stops at the first that is not. */
    private void sendReady() {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().response().isDone()) {
            Pending p = pending.poll();
            if (p.rawFrame() != null) {
                ctx.write(Unpooled.wrappedBuffer(p.rawFrame()), ctx.voidPromise());
                wrote = true;
                continue;
            }
            AbstractResponse response = responseOf(p);
            if (response == null) continue; // acks=0: the client expects nothing
            short version = p.request() == null ? 0 : p.header().apiVersion();
            ApiKeys api = p.header().apiKey();
            ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(p.header().correlationId());
            List<Object> parts = ResponseWriter.frame(ctx, header, api.responseHeaderVersion(version),
                (ApiMessage) response.data(), version);
            for (Object part : parts) ctx.write(part, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) ctx.flush();
        if (paused && pending.size() < MAX_IN_FLIGHT / 2) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private AbstractResponse responseOf(Pending p) {
        try {
            return p.response().join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof org.apache.kafka.common.errors.ApiException) {
                // The client's mistake, answered with its error code: one line, no stack trace.
                LOG.warn("{} from {} refused: {}", p.header().apiKey(), ctx.channel().remoteAddress(), cause.toString());
            } else {
                LOG.error("{} failed for {}", p.header().apiKey(), ctx.channel().remoteAddress(), cause);
            }
            return p.request() == null ? null : p.request().getErrorResponse(cause);
        }
    }

    private void close(String reason) {
        LOG.warn("Closing Kafka connection from {} on listener {}: {}", ctx.channel().remoteAddress(), listenerName, reason);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            close("request larger than socket.request.max.bytes (" + cause.getMessage() + ")");
        } else if (cause instanceof java.io.IOException) {
            LOG.debug("Kafka connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            LOG.error("Unexpected error on Kafka connection from {}", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
