package dev.simrun.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Many SSE connections from one process at little cost: Netty NIO on a couple of event-loop
 * threads, each connection's body split into lines and handed to its own line consumer. The JDK's
 * HTTP client, tried first, spends time per connection in scans over all of them and could not keep
 * up with 10,000 streams on 2 cores: it measured itself, not the server.
 */
final class SseLoadClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final String host;
  private final int port;

  SseLoadClient(String host, int port, int threads) {
    this.host = host;
    this.port = port;
    this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true);
  }

  /** Opens {@code path} as {@code owner}; every line of the body goes to {@code lines}. */
  ChannelFuture open(String path, String owner, Consumer<String> lines, Runnable closed) {
    Bootstrap b =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new Lines(lines, closed));
                  }
                });
    return b.connect(host, port)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                closed.run();
                return;
              }
              DefaultFullHttpRequest request =
                  new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
              request.headers().set(HttpHeaderNames.HOST, host + ":" + port);
              request.headers().set(HttpHeaderNames.ACCEPT, "text/event-stream");
              request.headers().set("Authorization", ServiceProcess.bearer(owner));
              f.channel().writeAndFlush(request);
            });
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Splits the (de-chunked) body into lines; a line may span several HTTP chunks. */
  private static final class Lines extends SimpleChannelInboundHandler<HttpObject> {
    private final Consumer<String> lines;
    private final Runnable closed;
    private final StringBuilder partial = new StringBuilder();

    Lines(Consumer<String> lines, Runnable closed) {
      this.lines = lines;
      this.closed = closed;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response && response.status().code() != 200) {
        ctx.close();
        return;
      }
      if (msg instanceof HttpContent content) {
        ByteBuf buf = content.content();
        String text = buf.toString(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
          partial.append(text, start, i);
          lines.accept(partial.toString());
          partial.setLength(0);
          start = i + 1;
        }
        partial.append(text, start, text.length());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed.run();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
