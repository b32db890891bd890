package dev.simrun.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LingeringClose} on an in-memory channel, behind a stand-in for Micronaut that answers a
 * request as soon as its head arrives. Time is the channel's own, moved by hand.
 */
class LingeringCloseTest {
  private static final int BOUND = 1000;
  private static final Duration IDLE = Duration.ofSeconds(5);

  /** Answers every request head at once, the way Micronaut answers a 413 or an early 422. */
  private static final class AnswersAtOnce extends ChannelInboundHandlerAdapter {
    private final boolean close;
    int contentsSeen;

    AnswersAtOnce(boolean close) {
      this.close = close;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        FullHttpResponse answer =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        var written = ctx.writeAndFlush(answer);
        if (close) {
          // Micronaut closes the channel, through the whole pipeline; ctx.close() from here takes
          // the same way through LingeringClose, without EmbeddedChannel's close(), which would
          // cancel every scheduled task whatever the handlers do.
          written.addListener(f -> ctx.close());
        }
      } else if (msg instanceof HttpContent) {
        contentsSeen++;
      }
      ReferenceCountUtil.release(msg);
    }
  }

  private final AnswersAtOnce micronaut = new AnswersAtOnce(true);
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new LingeringClose(BOUND, IDLE), micronaut);

  private static HttpRequest head(boolean withBody) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/x");
    request.headers().set("Content-Length", withBody ? 1_000_000 : 0);
    return request;
  }

  private static HttpContent bytes(int n) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[n]));
  }

  @Test
  void aCloseAfterAnAnswerWaitsForTheRestOfTheBody() {
    channel.writeInbound(head(true));
    Object answer = channel.readOutbound();
    assertThat(answer).isInstanceOf(FullHttpResponse.class);
    assertThat(channel.isOpen()).as("held open while the body arrives").isTrue();

    channel.writeInbound(bytes(400));
    channel.writeInbound(bytes(400));
    assertThat(channel.isOpen()).isTrue();
    assertThat(micronaut.contentsSeen).as("the rest is discarded here").isZero();

    channel.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[100])));
    assertThat(channel.isOpen()).as("closed once the body has ended").isFalse();
  }

  @Test
  void itClosesOnceMoreThanTheBoundHasArrived() {
    channel.writeInbound(head(true));
    channel.writeInbound(bytes(BOUND));
    assertThat(channel.isOpen()).isTrue();
    channel.writeInbound(bytes(1));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void itClosesWhenNothingHasArrivedForTheIdleTimeout() {
    channel.freezeTime();
    channel.writeInbound(head(true));
    channel.advanceTimeBy(IDLE.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.writeInbound(bytes(10)); // the client is still sending: the wait starts again
    channel.advanceTimeBy(IDLE.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();

    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void itClosesWhenTheClientCloses() {
    channel.writeInbound(head(true));
    assertThat(channel.isOpen()).isTrue();
    channel.pipeline().fireChannelInactive();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aCloseAfterTheWholeBodyHappensAtOnce() {
    EmbeddedChannel complete = new EmbeddedChannel(new LingeringClose(BOUND, IDLE));
    complete.writeInbound(head(true));
    complete.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10])));
    complete.writeOutbound(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    complete.close();
    assertThat(complete.isOpen()).as("nothing left to read: closed at once").isFalse();
    complete.finishAndReleaseAll();
  }

  @Test
  void anAnswerThatKeepsTheConnectionLetsMicronautDiscardUpToTheBound() {
    AnswersAtOnce keeps = new AnswersAtOnce(false);
    EmbeddedChannel open = new EmbeddedChannel(new LingeringClose(BOUND, IDLE), keeps);
    open.writeInbound(head(true));
    open.writeInbound(bytes(BOUND));
    assertThat(open.isOpen()).isTrue();
    assertThat(keeps.contentsSeen).as("Micronaut discards it").isEqualTo(1);
    open.writeInbound(bytes(1));
    assertThat(open.isOpen()).as("past the bound").isFalse();
  }
}
