package dev.simrun.emulator.scheduler;

import com.google.cloud.scheduler.v1.CreateJobRequest;
import com.google.cloud.scheduler.v1.DeleteJobRequest;
import com.google.cloud.scheduler.v1.GetJobRequest;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.ListJobsRequest;
import com.google.cloud.scheduler.v1.PauseJobRequest;
import com.google.cloud.scheduler.v1.ResumeJobRequest;
import com.google.cloud.scheduler.v1.RunJobRequest;
import com.google.cloud.scheduler.v1.UpdateJobRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.FieldMaskUtil;
import com.google.protobuf.util.JsonFormat;
import dev.simrun.emulator.common.GoogleRest;
import dev.simrun.emulator.common.OidcIssuer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud Scheduler v1 REST API (proto3 JSON, camelCase) on the paths Google serves it, plus the
 * emulator's own endpoints: stats, fault injection, and the OIDC discovery document and JWKS.
 */
final class RestGateway extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(RestGateway.class);
  private static final String LOCATION = "projects/[^/:]+/locations/[^/:]+";
  private static final Pattern JOBS = Pattern.compile("/v1/(" + LOCATION + ")/jobs");
  private static final Pattern ONE_JOB =
      Pattern.compile("/v1/(" + LOCATION + "/jobs/[^/:]+)(?::(\\w+))?");
  private static final String FAULTS = "/emulator/v1/faults";

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();

  private final Jobs jobs;
  private final OidcIssuer oidc;

  RestGateway(Jobs jobs, OidcIssuer oidc) {
    this.jobs = jobs;
    this.oidc = oidc;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String body = request.content().toString(StandardCharsets.UTF_8);
    Reply reply;
    try {
      reply = route(method(request), uri.path(), uri.parameters(), body);
    } catch (StatusRuntimeException e) {
      reply = error(e.getStatus());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      reply =
          error(Status.INVALID_ARGUMENT.withDescription("Invalid JSON payload: " + e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("unexpected failure on {} {}", request.method(), request.uri(), e);
      reply = error(Status.INTERNAL.withDescription(e.toString()));
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status),
            Unpooled.copiedBuffer(reply.json, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (HttpUtil.isKeepAlive(request)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private record Reply(int status, String json) {}

  /**
   * The request's method, or the one in {@code X-HTTP-Method-Override} of a POST: clients whose
   * HTTP stack lacks PATCH (the HttpJson transport on HttpURLConnection) send it that way, and
   * Google's front end honours it.
   */
  private static HttpMethod method(FullHttpRequest request) {
    String override = request.headers().get("X-HTTP-Method-Override");
    if (request.method().equals(HttpMethod.POST) && override != null && !override.isBlank()) {
      return HttpMethod.valueOf(override.trim().toUpperCase(Locale.ROOT));
    }
    return request.method();
  }

  private Reply route(HttpMethod method, String path, Map<String, List<String>> query, String body)
      throws InvalidProtocolBufferException {
    Matcher m;
    if ((m = JOBS.matcher(path)).matches()) {
      String parent = m.group(1);
      if (method.equals(HttpMethod.GET)) {
        return ok(
            jobs.list(
                ListJobsRequest.newBuilder()
                    .setParent(parent)
                    .setPageSize(intParam(query, "pageSize"))
                    .setPageToken(param(query, "pageToken", ""))
                    .build()));
      }
      if (method.equals(HttpMethod.POST)) {
        Job.Builder job = Job.newBuilder();
        PARSER.merge(json(body), job);
        return ok(jobs.create(CreateJobRequest.newBuilder().setParent(parent).setJob(job).build()));
      }
    } else if ((m = ONE_JOB.matcher(path)).matches()) {
      String name = m.group(1);
      String verb = m.group(2);
      if (verb == null) {
        if (method.equals(HttpMethod.GET)) {
          return ok(jobs.get(GetJobRequest.newBuilder().setName(name).build()));
        }
        if (method.equals(HttpMethod.DELETE)) {
          return ok(jobs.delete(DeleteJobRequest.newBuilder().setName(name).build()));
        }
        if (method.equals(HttpMethod.PATCH)) {
          Job.Builder job = Job.newBuilder();
          PARSER.merge(json(body), job);
          UpdateJobRequest.Builder r = UpdateJobRequest.newBuilder().setJob(job.setName(name));
          String mask = param(query, "updateMask", "");
          if (!mask.isBlank()) {
            r.setUpdateMask(FieldMaskUtil.fromJsonString(mask));
          }
          return ok(jobs.update(r.build()));
        }
      } else if (method.equals(HttpMethod.POST)) {
        switch (verb) {
          case "pause" -> {
            return ok(jobs.pause(PauseJobRequest.newBuilder().setName(name).build()));
          }
          case "resume" -> {
            return ok(jobs.resume(ResumeJobRequest.newBuilder().setName(name).build()));
          }
          case "run" -> {
            return ok(jobs.run(RunJobRequest.newBuilder().setName(name).build()));
          }
          default -> {}
        }
      }
    } else if (path.equals(OidcIssuer.DISCOVERY_PATH) && method.equals(HttpMethod.GET)) {
      return new Reply(200, oidc.discoveryJson());
    } else if (path.equals(OidcIssuer.JWKS_PATH) && method.equals(HttpMethod.GET)) {
      return new Reply(200, oidc.jwksJson());
    } else if (path.equals("/emulator/v1/stats") && method.equals(HttpMethod.GET)) {
      return new Reply(200, StatsJson.write(jobs.stats()));
    } else if (path.equals(FAULTS) && method.equals(HttpMethod.PUT)) {
      FaultPlan plan = faults(body);
      jobs.setFaults(param(query, "job", null), plan);
      return new Reply(200, StatsJson.write(plan));
    } else if (path.equals(FAULTS) && method.equals(HttpMethod.DELETE)) {
      String job = param(query, "job", null);
      // Without a job: no global faults. With one: the job follows the global plan again.
      jobs.setFaults(job, job == null ? FaultPlan.NONE : null);
      return new Reply(200, "{}");
    } else if (path.equals("/") && method.equals(HttpMethod.GET)) {
      return new Reply(
          200, "{\"service\":\"cloud-scheduler-emulator\",\"api\":\"google.cloud.scheduler.v1\"}");
    }
    throw Status.NOT_FOUND
        .withDescription("No such method: " + method + " " + path)
        .asRuntimeException();
  }

  private static String json(String body) {
    return body.isBlank() ? "{}" : body;
  }

  private static FaultPlan faults(String body) throws InvalidProtocolBufferException {
    Struct.Builder s = Struct.newBuilder();
    PARSER.merge(json(body), s);
    Map<String, Value> f = s.getFieldsMap();
    for (String key : f.keySet()) {
      if (!List.of("duplicateDelivery", "concurrentDuplicate").contains(key)) {
        throw Names.invalid(
            "Unknown fault '" + key + "'; known: duplicateDelivery, concurrentDuplicate");
      }
    }
    try {
      return new FaultPlan(number(f, "duplicateDelivery"), number(f, "concurrentDuplicate"));
    } catch (IllegalArgumentException e) {
      throw Names.invalid(e.getMessage());
    }
  }

  private static double number(Map<String, Value> fields, String key) {
    Value v = fields.get(key);
    if (v == null) {
      return 0;
    }
    if (v.getKindCase() != Value.KindCase.NUMBER_VALUE) {
      throw Names.invalid(key + " must be a number");
    }
    return v.getNumberValue();
  }

  private static String param(Map<String, List<String>> query, String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }

  private static int intParam(Map<String, List<String>> query, String name) {
    String v = param(query, name, "0");
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw Names.invalid(name + " must be an integer, was '" + v + "'");
    }
  }

  private static Reply ok(Message message) throws InvalidProtocolBufferException {
    return new Reply(200, PRINTER.print(message));
  }

  private static Reply error(Status status) {
    return new Reply(GoogleRest.httpStatus(status.getCode()), GoogleRest.error(status));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("REST connection failed", cause);
    ctx.close();
  }
}
