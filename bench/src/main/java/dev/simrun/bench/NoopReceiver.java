package dev.simrun.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A push target that does nothing: a Netty HTTP/1.1 server on loopback answering every request with
 * 204 at once, counting what it receives. A run {@linkplain #expect expects} a number of requests
 * and learns the {@link System#nanoTime()} at which the last of them arrived, taken on the event
 * loop that read it, so waking the waiting thread costs the measurement nothing.
 */
final class NoopReceiver implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel server;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong channelErrors = new AtomicLong();

  private volatile Expectation current;

  NoopReceiver(int threads) throws InterruptedException {
    this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    ChannelHandler handler = new Handler();
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), handler);
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  String url(String path) {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path;
  }

  long received() {
    return received.get();
  }

  /** Expects {@code n} more requests from now on. */
  Expectation expect(long n) {
    Expectation e = new Expectation(received.get() + n);
    current = e;
    return e;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The moment the receiver's count reaches {@code target}. */
  static final class Expectation {
    final long target;
    private final CountDownLatch reached = new CountDownLatch(1);
    private volatile long reachedAtNanos;

    private Expectation(long target) {
      this.target = target;
    }

    /** The {@link System#nanoTime()} of the target's request, or -1 on timeout. */
    long await(long timeout, TimeUnit unit) throws InterruptedException {
      return reached.await(timeout, unit) ? reachedAtNanos : -1;
    }
  }

  @ChannelHandler.Sharable
  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      long count = received.incrementAndGet();
      Expectation e = current;
      if (e != null && count == e.target) {
        e.reachedAtNanos = System.nanoTime();
        e.reached.countDown();
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
      if (HttpUtil.isKeepAlive(request)) {
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      channelErrors.incrementAndGet();
      ctx.close();
    }
  }

  long errors() {
    return channelErrors.get();
  }
}
