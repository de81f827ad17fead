package io.wharf.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.wharf.broker.net.ProtocolFrontEnd;
import io.wharf.server.config.ConfigException;
import io.wharf.server.config.Listener;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets: binds each listener, hands every accepted connection to its protocol's front-end, and on
 * shutdown stops accepting first, then closes the open connections.
 */
final class NetworkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkServer.class);

    private final EventLoopGroup acceptors = new NioEventLoopGroup(1, daemonThreads("wharf-accept"));
    private final EventLoopGroup workers;
    private final List<Channel> serverChannels = new ArrayList<>();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /** A listener as bound: its configured form and the port it really got (for port 0). */
    record BoundListener(Listener listener, String protocol, int port) {
    }

    NetworkServer(int networkThreads) {
        this.workers = new NioEventLoopGroup(networkThreads, daemonThreads("wharf-network"));
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        return new io.netty.util.concurrent.DefaultThreadFactory(prefix, true);
    }

    /**
     * Binds {@code listener} for {@code frontEnd}. Throws {@link ConfigException} naming the config key and
     * address if the port is taken or the address is not local.
     */
    BoundListener bind(Listener listener, String configKey, ProtocolFrontEnd frontEnd) {
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(acceptors, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    frontEnd.initChannel(ch);
                }
            });
        InetSocketAddress address = new InetSocketAddress(listener.host(), listener.port());
        try {
            Channel channel = bootstrap.bind(address).syncUninterruptibly().channel();
            serverChannels.add(channel);
            int port = ((InetSocketAddress) channel.localAddress()).getPort();
            LOG.info("{} listener {} is listening on {}:{}", frontEnd.protocol(), listener.name(), listener.host(), port);
            return new BoundListener(listener, frontEnd.protocol(), port);
        } catch (Exception e) {
            String reason = e instanceof BindException || e.getCause() instanceof BindException
                ? "address already in use, or not an address of this machine" : e.toString();
            throw new ConfigException(configKey, "Cannot listen on " + listener + " (" + configKey + "): " + reason
                + ": " + e.getMessage(), e);
        }
    }

    /** Stops accepting new connections; open ones continue until {@link #close()}. */
    void stopAccepting() {
        for (Channel c : serverChannels) c.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        stopAccepting();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
