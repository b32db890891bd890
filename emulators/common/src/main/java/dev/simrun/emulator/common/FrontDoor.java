package dev.simrun.emulator.common;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * An emulator's one port: a connection that opens with the HTTP/2 preface is gRPC and is relayed to
 * the gRPC server on a private loopback port; anything else is HTTP/1.1 and goes to the REST
 * gateway (a new handler per connection, after an HTTP codec and aggregator). So one endpoint
 * serves the client library's gRPC and HTTP/JSON transports alike (decision 0002).
 */
public final class FrontDoor implements AutoCloseable {
  private static final byte[] H2_PREFACE = "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_REST_BODY = 4 * 1024 * 1024;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Channel server;

  public FrontDoor(
      String host, int port, InetSocketAddress grpc, Supplier<? extends ChannelHandler> rest)
      throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new Sniffer(grpc, rest));
                  }
                });
    this.server = b.bind(host, port).sync().channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Reads just enough of a new connection to tell gRPC from HTTP/1.1, then steps aside. */
  private static final class Sniffer extends ByteToMessageDecoder {
    private final InetSocketAddress grpc;
    private final Supplier<? extends ChannelHandler> rest;

    Sniffer(InetSocketAddress grpc, Supplier<? extends ChannelHandler> rest) {
      this.grpc = grpc;
      this.rest = rest;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int n = Math.min(in.readableBytes(), H2_PREFACE.length);
      for (int i = 0; i < n; i++) {
        if (in.getByte(in.readerIndex() + i) != H2_PREFACE[i]) {
          ChannelPipeline p = ctx.pipeline();
          p.addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REST_BODY), rest.get());
          p.remove(this); // hands the bytes read so far to the HTTP codec
          return;
        }
      }
      if (n == H2_PREFACE.length) {
        ctx.pipeline().addLast(new Relay(grpc));
        ctx.pipeline().remove(this);
      }
    }
  }

  /** Copies bytes both ways between a client connection and the gRPC server. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final InetSocketAddress target;
    private final Queue<Object> pending = new ArrayDeque<>();
    private Channel outbound;
    private boolean connected;

    Relay(InetSocketAddress target) {
      this.target = target;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      Channel inbound = ctx.channel();
      inbound.config().setAutoRead(false);
      Bootstrap b =
          new Bootstrap()
              .group(inbound.eventLoop())
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(new Back(inbound));
      var connect = b.connect(target);
      outbound = connect.channel();
      connect.addListener(
          (ChannelFutureListener)
              f -> {
                if (!f.isSuccess()) {
                  pending.forEach(ReferenceCountUtil::release);
                  pending.clear();
                  inbound.close();
                  return;
                }
                connected = true;
                while (!pending.isEmpty()) {
                  outbound.write(pending.poll());
                }
                outbound.flush();
                inbound.config().setAutoRead(true);
              });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (connected) {
        outbound.writeAndFlush(msg);
      } else {
        pending.add(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (outbound != null) {
        outbound.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static final class Back extends ChannelInboundHandlerAdapter {
    private final Channel inbound;

    Back(Channel inbound) {
      this.inbound = inbound;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      inbound.writeAndFlush(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      inbound.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
