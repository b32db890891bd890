package dev.simrun.api.limits;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lets a client that is still sending a body read the answer it was given before the body was read.
 *
 * <p>The api answers some requests before reading their bodies: 413 for a body over its limit, 422
 * or 429 for an upload refused before it is parsed. Closing the connection then, with body bytes
 * unread, makes the kernel answer those bytes with a TCP reset, and the reset throws away the
 * answer too, before a client that reads only once it has sent everything (Java's HttpClient,
 * browsers) gets to it. So when the connection is to close after such an answer ({@code Connection:
 * close}, which every 413 carries), this handler closes it only once the client can no longer lose
 * the answer ("lingering close", as Apache httpd and nginx do it): it reads and discards the rest
 * of the body and closes when the body ends, when the client closes, when more than {@code
 * maxDrainBytes} have been discarded, or when nothing has arrived for {@code idleTimeout}. Past the
 * byte bound it closes at once, so a client that sends more than that after its answer may still
 * see a reset.
 *
 * <p>Where the answer keeps the connection open, Micronaut discards the rest of the body itself;
 * this handler closes the connection when that rest passes the same bound.
 *
 * <p>It sits between Netty's HTTP codec and Micronaut's request handler, so it counts decoded body
 * bytes. One instance per connection; Netty calls it on the connection's event loop only.
 */
final class LingeringClose extends ChannelDuplexHandler {
  static final String NAME = "simrun-lingering-close";

  private final long maxDrainBytes;
  private final long idleNanos;

  /** Request heads read and final answers written on this connection. */
  private long requests;

  private long answers;

  /** Whether the body of the latest request is still arriving. */
  private boolean bodyArriving;

  /** Body bytes of the latest request that arrived after it was answered. */
  private long drained;

  /** Whether a close was asked for and is being held back while the body is read and discarded. */
  private boolean lingering;

  private ChannelPromise heldClose;
  private long lastReadNanos;
  private ScheduledFuture<?> idleCheck;

  LingeringClose(long maxDrainBytes, Duration idleTimeout) {
    this.maxDrainBytes = maxDrainBytes;
    this.idleNanos = idleTimeout.toNanos();
  }

  /** Whether the latest request has its answer while its body is still arriving. */
  private boolean answeredEarly() {
    return bodyArriving && answers == requests;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (lingering) {
      lastReadNanos = now(ctx);
      boolean done =
          msg instanceof LastHttpContent
              || msg instanceof HttpRequest
              || (msg instanceof HttpObject o && o.decoderResult().isFailure());
      if (msg instanceof HttpContent content) {
        drained += content.content().readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (done || drained > maxDrainBytes) {
        closeHeld(ctx);
      }
      return;
    }
    if (msg instanceof HttpRequest request) {
      requests++;
      bodyArriving = !(msg instanceof LastHttpContent) && request.decoderResult().isSuccess();
      drained = 0;
    } else if (msg instanceof HttpContent content) {
      if (answeredEarly()) {
        drained += content.content().readableBytes();
      }
      if (msg instanceof LastHttpContent) {
        bodyArriving = false;
      }
    }
    boolean tooMuch = answeredEarly() && drained > maxDrainBytes;
    ctx.fireChannelRead(msg);
    if (tooMuch) {
      ctx.close();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean informational =
        msg instanceof HttpResponse response
            && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (msg instanceof LastHttpContent && !informational) {
      answers++;
      drained = 0;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (lingering) {
      // Asked again (idle timeout, shutdown): no more waiting.
      closeHeld(ctx);
      ctx.close(promise);
      return;
    }
    if (!answeredEarly() || !ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    lingering = true;
    heldClose = promise;
    lastReadNanos = now(ctx);
    // Micronaut reads only on demand; from now on nothing downstream asks, so read by ourselves.
    ctx.channel().config().setAutoRead(true);
    ctx.read();
    scheduleIdleCheck(ctx, idleNanos);
  }

  /** The event loop's clock, which is also what its scheduled tasks go by. */
  private static long now(ChannelHandlerContext ctx) {
    return ctx.executor().ticker().nanoTime();
  }

  private void scheduleIdleCheck(ChannelHandlerContext ctx, long delayNanos) {
    idleCheck =
        ctx.executor()
            .schedule(
                () -> {
                  if (!lingering) {
                    return;
                  }
                  long quiet = now(ctx) - lastReadNanos;
                  if (quiet >= idleNanos) {
                    closeHeld(ctx);
                  } else {
                    scheduleIdleCheck(ctx, idleNanos - quiet);
                  }
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
  }

  private void closeHeld(ChannelHandlerContext ctx) {
    if (!lingering) {
      return;
    }
    lingering = false;
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
    ChannelPromise promise = heldClose;
    heldClose = null;
    ctx.close(promise);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!lingering) {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (lingering) {
      // Typically the client resetting the connection: the answer is out, nothing is left to do.
      closeHeld(ctx);
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeHeld(ctx); // the client closed: completes the held close
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (idleCheck != null) {
      idleCheck.cancel(false);
    }
  }
}
