package dev.simrun.api.limits;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import jakarta.inject.Singleton;

/**
 * Puts a {@link LingeringClose} into every HTTP/1 connection's pipeline, just before Micronaut's
 * request handler. (HTTP/2 needs none: a stream is refused with RST_STREAM, not by closing the
 * connection.)
 */
@Singleton
@Requires(beans = NettyServerCustomizer.Registry.class)
class LingeringCloseInstaller implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
  private final BodyLimits limits;

  LingeringCloseInstaller(BodyLimits limits) {
    this.limits = limits;
  }

  @Override
  public NettyServerCustomizer.Registry onCreated(
      BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
    event.getBean().register(new ForConnection(null));
    return event.getBean();
  }

  private final class ForConnection implements NettyServerCustomizer {
    private final Channel channel;

    ForConnection(Channel channel) {
      this.channel = channel;
    }

    @Override
    public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
      return role == ChannelRole.CONNECTION ? new ForConnection(channel) : this;
    }

    @Override
    public void onStreamPipelineBuilt() {
      if (channel == null) {
        return;
      }
      ChannelPipeline pipeline = channel.pipeline();
      if (pipeline.get(HttpServerCodec.class) != null
          && pipeline.get(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND) != null
          && pipeline.get(LingeringClose.NAME) == null) {
        pipeline.addBefore(
            ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND,
            LingeringClose.NAME,
            new LingeringClose(limits.maxDrainBytes(), limits.drainIdleTimeout()));
      }
    }
  }
}
