package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.CreateQueueRequest;
import com.google.cloud.tasks.v2.CreateTaskRequest;
import com.google.cloud.tasks.v2.DeleteQueueRequest;
import com.google.cloud.tasks.v2.DeleteTaskRequest;
import com.google.cloud.tasks.v2.GetQueueRequest;
import com.google.cloud.tasks.v2.GetTaskRequest;
import com.google.cloud.tasks.v2.ListQueuesRequest;
import com.google.cloud.tasks.v2.ListTasksRequest;
import com.google.cloud.tasks.v2.PauseQueueRequest;
import com.google.cloud.tasks.v2.PurgeQueueRequest;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.ResumeQueueRequest;
import com.google.cloud.tasks.v2.RunTaskRequest;
import com.google.cloud.tasks.v2.Task;
import com.google.cloud.tasks.v2.UpdateQueueRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.FieldMaskUtil;
import com.google.protobuf.util.JsonFormat;
import dev.simrun.emulator.common.GoogleRest;
import dev.simrun.emulator.common.IdentityToolkit;
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
 * The Cloud Tasks v2 REST API (proto3 JSON, camelCase) on the paths Google serves it, plus the
 * emulator's own endpoints: stats, fault injection, the OIDC discovery document and JWKS, the
 * development sign-in, and the Identity Toolkit's email and password accounts ({@link
 * IdentityToolkit}).
 */
final class RestGateway extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(RestGateway.class);
  private static final String LOCATION = "projects/[^/:]+/locations/[^/:]+";
  private static final String QUEUE = LOCATION + "/queues/[^/:]+";
  private static final String TASK = QUEUE + "/tasks/[^/:]+";
  private static final Pattern QUEUES = Pattern.compile("/v2/(" + LOCATION + ")/queues");
  private static final Pattern ONE_QUEUE = Pattern.compile("/v2/(" + QUEUE + ")(?::(\\w+))?");
  private static final Pattern TASKS = Pattern.compile("/v2/(" + QUEUE + ")/tasks");
  private static final Pattern ONE_TASK = Pattern.compile("/v2/(" + TASK + ")(?::(\\w+))?");

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();

  private final Operations ops;
  private final FaultsAndStats controls;
  private final OidcIssuer oidc;
  private final IdentityToolkit toolkit;

  RestGateway(Operations ops, FaultsAndStats controls, OidcIssuer oidc, IdentityToolkit toolkit) {
    this.ops = ops;
    this.controls = controls;
    this.oidc = oidc;
    this.toolkit = toolkit;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String body = request.content().toString(StandardCharsets.UTF_8);
    if (IdentityToolkit.handles(uri.path())) {
      IdentityToolkit.Answer answer =
          toolkit.answer(
              request.method().name(),
              uri.path(),
              param(uri.parameters(), "key", null),
              request.headers().get(HttpHeaderNames.ORIGIN),
              body);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(answer.status()),
              Unpooled.copiedBuffer(answer.json(), StandardCharsets.UTF_8));
      answer.headers().forEach((name, value) -> response.headers().set(name, value));
      write(ctx, request, response);
      return;
    }
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
    write(ctx, request, response);
  }

  private static void write(
      ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private record Reply(int status, String json) {}

  /**
   * Development sign-in: {@code {"user":"ann","role":"operator"}} (role optional) answers {@code
   * {"idToken":"…","tokenType":"Bearer","expiresIn":3600}}, an ID token the api verifies like an
   * Identity Platform one. What a local sign-in page and {@code ./simrun token} call.
   */
  private Reply signIn(String body) throws InvalidProtocolBufferException {
    Struct.Builder request = Struct.newBuilder();
    PARSER.merge(body.isBlank() ? "{}" : body, request);
    String user = stringField(request, "user");
    String role = stringField(request, "role");
    if (!DevUsers.valid(user) || (role != null && !DevUsers.valid(role))) {
      throw Status.INVALID_ARGUMENT
          .withDescription("user (and role, when given) must be 1 to 64 of A-Z a-z 0-9 . _ @ -")
          .asRuntimeException();
    }
    String token = oidc.userToken(user, role);
    return new Reply(
        200, "{\"idToken\":\"" + token + "\",\"tokenType\":\"Bearer\",\"expiresIn\":3600}");
  }

  private static String stringField(Struct.Builder struct, String name) {
    Value v = struct.getFieldsMap().get(name);
    return v == null || v.getKindCase() != Value.KindCase.STRING_VALUE ? null : v.getStringValue();
  }

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
    if ((m = QUEUES.matcher(path)).matches()) {
      String parent = m.group(1);
      if (method.equals(HttpMethod.GET)) {
        ListQueuesRequest.Builder r = ListQueuesRequest.newBuilder().setParent(parent);
        r.setPageSize(intParam(query, "pageSize"));
        r.setPageToken(param(query, "pageToken", ""));
        r.setFilter(param(query, "filter", ""));
        return ok(ops.listQueues(r.build()));
      }
      if (method.equals(HttpMethod.POST)) {
        Queue.Builder queue = Queue.newBuilder();
        PARSER.merge(body, queue);
        return ok(
            ops.createQueue(
                CreateQueueRequest.newBuilder().setParent(parent).setQueue(queue).build()));
      }
    } else if ((m = TASKS.matcher(path)).matches()) {
      String parent = m.group(1);
      if (method.equals(HttpMethod.GET)) {
        ListTasksRequest.Builder r = ListTasksRequest.newBuilder().setParent(parent);
        r.setPageSize(intParam(query, "pageSize"));
        r.setPageToken(param(query, "pageToken", ""));
        r.setResponseView(view(query));
        return ok(ops.listTasks(r.build()));
      }
      if (method.equals(HttpMethod.POST)) {
        CreateTaskRequest.Builder r = CreateTaskRequest.newBuilder();
        PARSER.merge(body.isBlank() ? "{}" : body, r);
        return ok(ops.createTask(r.setParent(parent).build()));
      }
    } else if ((m = ONE_TASK.matcher(path)).matches()) {
      String name = m.group(1);
      String verb = m.group(2);
      if (verb == null && method.equals(HttpMethod.GET)) {
        return ok(
            ops.getTask(
                GetTaskRequest.newBuilder().setName(name).setResponseView(view(query)).build()));
      }
      if (verb == null && method.equals(HttpMethod.DELETE)) {
        return ok(ops.deleteTask(DeleteTaskRequest.newBuilder().setName(name).build()));
      }
      if ("run".equals(verb) && method.equals(HttpMethod.POST)) {
        RunTaskRequest.Builder r = RunTaskRequest.newBuilder();
        PARSER.merge(body.isBlank() ? "{}" : body, r);
        return ok(ops.runTask(r.setName(name).build()));
      }
    } else if ((m = ONE_QUEUE.matcher(path)).matches()) {
      String name = m.group(1);
      String verb = m.group(2);
      if (verb == null) {
        if (method.equals(HttpMethod.GET)) {
          return ok(ops.getQueue(GetQueueRequest.newBuilder().setName(name).build()));
        }
        if (method.equals(HttpMethod.DELETE)) {
          return ok(ops.deleteQueue(DeleteQueueRequest.newBuilder().setName(name).build()));
        }
        if (method.equals(HttpMethod.PATCH)) {
          Queue.Builder queue = Queue.newBuilder();
          PARSER.merge(body, queue);
          UpdateQueueRequest.Builder r =
              UpdateQueueRequest.newBuilder().setQueue(queue.setName(name));
          String mask = param(query, "updateMask", "");
          if (!mask.isBlank()) {
            r.setUpdateMask(FieldMaskUtil.fromJsonString(mask));
          }
          return ok(ops.updateQueue(r.build()));
        }
      } else if (method.equals(HttpMethod.POST)) {
        switch (verb) {
          case "purge" -> {
            return ok(ops.purgeQueue(PurgeQueueRequest.newBuilder().setName(name).build()));
          }
          case "pause" -> {
            return ok(ops.pauseQueue(PauseQueueRequest.newBuilder().setName(name).build()));
          }
          case "resume" -> {
            return ok(ops.resumeQueue(ResumeQueueRequest.newBuilder().setName(name).build()));
          }
          default -> {}
        }
      }
    } else if (path.equals(OidcIssuer.DISCOVERY_PATH) && method.equals(HttpMethod.GET)) {
      return new Reply(200, oidc.discoveryJson());
    } else if (path.equals(OidcIssuer.JWKS_PATH) && method.equals(HttpMethod.GET)) {
      return new Reply(200, oidc.jwksJson());
    } else if (path.equals(OidcIssuer.SIGN_IN_PATH) && method.equals(HttpMethod.POST)) {
      return signIn(body);
    } else if (path.equals("/emulator/v1/stats") && method.equals(HttpMethod.GET)) {
      return new Reply(200, StatsJson.write(controls.stats()));
    } else if (path.equals("/emulator/v1/faults") && method.equals(HttpMethod.PUT)) {
      FaultPlan plan = faults(body);
      controls.setFaults(param(query, "queue", null), plan);
      return new Reply(200, StatsJson.write(plan));
    } else if (path.equals("/emulator/v1/faults") && method.equals(HttpMethod.DELETE)) {
      String queue = param(query, "queue", null);
      // Without a queue: no global faults. With one: the queue follows the global plan again.
      controls.setFaults(queue, queue == null ? FaultPlan.NONE : null);
      return new Reply(200, "{}");
    } else if (path.equals("/") && method.equals(HttpMethod.GET)) {
      return new Reply(
          200, "{\"service\":\"cloud-tasks-emulator\",\"api\":\"google.cloud.tasks.v2\"}");
    }
    throw Status.NOT_FOUND
        .withDescription("No such method: " + method + " " + path)
        .asRuntimeException();
  }

  private static FaultPlan faults(String body) throws InvalidProtocolBufferException {
    Struct.Builder s = Struct.newBuilder();
    PARSER.merge(body, s);
    Map<String, Value> f = s.getFieldsMap();
    for (String key : f.keySet()) {
      if (!List.of("duplicateDelivery", "concurrentDuplicate", "dropResponse").contains(key)) {
        throw Names.invalid(
            "Unknown fault '"
                + key
                + "'; known: duplicateDelivery, concurrentDuplicate, dropResponse");
      }
    }
    try {
      return new FaultPlan(
          number(f, "duplicateDelivery"),
          number(f, "concurrentDuplicate"),
          number(f, "dropResponse"));
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

  private static Task.View view(Map<String, List<String>> query) {
    String v = param(query, "responseView", "VIEW_UNSPECIFIED");
    try {
      // A name, or its number as sent by clients asking for $alt=json;enum-encoding=int.
      Task.View view =
          v.chars().allMatch(Character::isDigit) && !v.isEmpty()
              ? Task.View.forNumber(Integer.parseInt(v))
              : Task.View.valueOf(v);
      if (view != null && view != Task.View.UNRECOGNIZED) {
        return view;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw Names.invalid("Unknown responseView '" + v + "'");
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
