package dev.simrun.emulator.tasks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 client pushes go out with to {@code http} targets: one event-loop thread, kept-alive
 * connections reused one request at a time, the response's status and {@code Retry-After} read and
 * its body discarded. A response completes its future on the event loop, so a push costs no thread
 * hand-off beyond the loop's own (the JDK client hands each exchange between its selector thread
 * and an executor several times, which at thousands of pushes a second cost more than the pushes).
 *
 * <p>Failures are reported as the JDK client reports them: {@link HttpTimeoutException} when no
 * response came within the deadline (the connection is then closed, as Cloud Tasks abandons the
 * request), {@link IOException} when the connection failed or closed first.
 */
final class PushClient implements AutoCloseable {
  /** Headers the transport sets or owns; a task's own values for them are not sent. */
  private static final Set<String> OWNED =
      Set.of(
          "host", "content-length", "connection", "transfer-encoding", "expect", "upgrade", "te");

  private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("push-exchange");

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Bootstrap bootstrap;
  private final Map<String, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();

  /** What a target answered: its status and its {@code Retry-After} header, if any. */
  record Answer(int status, String retryAfter) {}

  PushClient(Duration connectTimeout) {
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new AnswerHandler());
                  }
                });
  }

  /** Whether this client can push to {@code url} (plain HTTP); others go to the JDK client. */
  static boolean handles(URI url) {
    return "http".equalsIgnoreCase(url.getScheme()) && url.getHost() != null;
  }

  /** Sends one request; the future completes on the event loop. */
  CompletableFuture<Answer> send(
      URI url, String method, Map<String, String> headers, byte[] body, Duration deadline) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    int port = url.getPort() == -1 ? 80 : url.getPort();
    String origin = url.getHost() + ':' + port;
    String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      target += "?" + url.getRawQuery();
    }
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(method),
            target,
            body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (!OWNED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
        request.headers().set(h.getKey(), h.getValue());
      }
    }
    request.headers().set(HttpHeaderNames.HOST, url.getPort() == -1 ? url.getHost() : origin);
    if (body.length > 0 || !method.equals("GET")) {
      request.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    }
    Exchange exchange = new Exchange(origin, answer, deadline);
    Channel reused = takeIdle(origin);
    if (reused != null) {
      start(reused, exchange, request, true);
    } else {
      connect(url.getHost(), port, exchange, request);
    }
    return answer;
  }

  private Channel takeIdle(String origin) {
    ConcurrentLinkedDeque<Channel> channels = idle.get(origin);
    if (channels == null) {
      return null;
    }
    Channel c;
    while ((c = channels.pollFirst()) != null) {
      if (c.isActive()) {
        return c;
      }
    }
    return null;
  }

  private void connect(String host, int port, Exchange exchange, FullHttpRequest request) {
    bootstrap
        .connect(host, port)
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                start(f.channel(), exchange, request, false);
              } else {
                request.release();
                exchange.fail(new IOException("connect to " + host + ":" + port, f.cause()));
              }
            });
  }

  /**
   * Writes the request on {@code channel}. A reused connection that the target closed while idle
   * fails the write before anything was sent: the request then goes out once on a new connection.
   */
  private void start(Channel channel, Exchange exchange, FullHttpRequest request, boolean reused) {
    channel
        .eventLoop()
        .execute(
            () -> {
              if (reused && !channel.isActive()) {
                connect(exchange.host(), exchange.port(), exchange, request);
                return;
              }
              channel.attr(EXCHANGE).set(exchange);
              exchange.timeout =
                  channel
                      .eventLoop()
                      .schedule(
                          () -> {
                            if (exchange.fail(
                                new HttpTimeoutException(
                                    "no response within " + exchange.deadline))) {
                              channel.close();
                            }
                          },
                          Math.max(1, exchange.deadline.toNanos()),
                          TimeUnit.NANOSECONDS);
              channel
                  .writeAndFlush(request)
                  .addListener(
                      (ChannelFuture w) -> {
                        if (!w.isSuccess()) {
                          exchange.fail(new IOException("request not sent", w.cause()));
                          channel.close();
                        }
                      });
            });
  }

  /** One request and its answer on a connection. */
  private static final class Exchange {
    final String origin;
    final CompletableFuture<Answer> answer;
    final Duration deadline;
    ScheduledFuture<?> timeout;
    int status = -1;
    String retryAfter;
    boolean keepAlive;

    Exchange(String origin, CompletableFuture<Answer> answer, Duration deadline) {
      this.origin = origin;
      this.answer = answer;
      this.deadline = deadline;
    }

    String host() {
      return origin.substring(0, origin.lastIndexOf(':'));
    }

    int port() {
      return Integer.parseInt(origin.substring(origin.lastIndexOf(':') + 1));
    }

    /** True when this failure decided the outcome. */
    boolean fail(Throwable error) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      return answer.completeExceptionally(error);
    }

    boolean succeed() {
      if (timeout != null) {
        timeout.cancel(false);
      }
      return answer.complete(new Answer(status, retryAfter));
    }
  }

  /** Reads the answer of the connection's current exchange, then gives the connection back. */
  private final class AnswerHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        Exchange exchange = ctx.channel().attr(EXCHANGE).get();
        if (exchange == null) {
          return; // nothing was asked: an unsolicited answer is ignored
        }
        if (msg instanceof HttpResponse response) {
          exchange.status = response.status().code();
          exchange.retryAfter = response.headers().get(HttpHeaderNames.RETRY_AFTER);
          exchange.keepAlive = HttpUtil.isKeepAlive(response);
        }
        if (msg instanceof LastHttpContent) {
          ctx.channel().attr(EXCHANGE).set(null);
          boolean decided = exchange.succeed();
          if (decided && exchange.keepAlive && ctx.channel().isActive()) {
            idle.computeIfAbsent(exchange.origin, o -> new ConcurrentLinkedDeque<>())
                .addFirst(ctx.channel());
          } else {
            ctx.close();
          }
        } else if (!(msg instanceof HttpResponse) && !(msg instanceof HttpContent)) {
          ctx.close();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Exchange exchange = ctx.channel().attr(EXCHANGE).getAndSet(null);
      if (exchange != null) {
        exchange.fail(new IOException("the connection closed before a response"));
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange exchange = ctx.channel().attr(EXCHANGE).getAndSet(null);
      if (exchange != null) {
        exchange.fail(cause instanceof IOException ? cause : new IOException(cause));
      }
      ctx.close();
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
