package dev.simrun.emulator.scheduler;

import com.google.cloud.scheduler.v1.CreateJobRequest;
import com.google.cloud.scheduler.v1.DeleteJobRequest;
import com.google.cloud.scheduler.v1.GetJobRequest;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.ListJobsRequest;
import com.google.cloud.scheduler.v1.ListJobsResponse;
import com.google.cloud.scheduler.v1.PauseJobRequest;
import com.google.cloud.scheduler.v1.ResumeJobRequest;
import com.google.cloud.scheduler.v1.RunJobRequest;
import com.google.cloud.scheduler.v1.SchedulerProto;
import com.google.cloud.scheduler.v1.UpdateJobRequest;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code google.cloud.scheduler.v1.CloudScheduler} over gRPC, each call one {@link Jobs} call. The
 * generated server stubs ({@code grpc-google-cloud-scheduler-v1}) are missing from our Maven
 * mirror, so the service is bound from the protos' own service descriptor: the method names and
 * message types are Google's, checked against the descriptor at start.
 */
final class GrpcCloudSchedulerService {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcCloudSchedulerService.class);
  private static final Descriptors.ServiceDescriptor SERVICE =
      SchedulerProto.getDescriptor().findServiceByName("CloudScheduler");

  private GrpcCloudSchedulerService() {}

  static ServerServiceDefinition bind(Jobs jobs) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(SERVICE.getFullName());
    unary(
        b,
        "ListJobs",
        ListJobsRequest.getDefaultInstance(),
        ListJobsResponse.getDefaultInstance(),
        jobs::list);
    unary(b, "GetJob", GetJobRequest.getDefaultInstance(), Job.getDefaultInstance(), jobs::get);
    unary(
        b,
        "CreateJob",
        CreateJobRequest.getDefaultInstance(),
        Job.getDefaultInstance(),
        jobs::create);
    unary(
        b,
        "UpdateJob",
        UpdateJobRequest.getDefaultInstance(),
        Job.getDefaultInstance(),
        jobs::update);
    unary(
        b,
        "DeleteJob",
        DeleteJobRequest.getDefaultInstance(),
        Empty.getDefaultInstance(),
        jobs::delete);
    unary(
        b, "PauseJob", PauseJobRequest.getDefaultInstance(), Job.getDefaultInstance(), jobs::pause);
    unary(
        b,
        "ResumeJob",
        ResumeJobRequest.getDefaultInstance(),
        Job.getDefaultInstance(),
        jobs::resume);
    unary(b, "RunJob", RunJobRequest.getDefaultInstance(), Job.getDefaultInstance(), jobs::run);
    return b.build();
  }

  private static <Q extends Message, R extends Message> void unary(
      ServerServiceDefinition.Builder service,
      String name,
      Q request,
      R response,
      Function<Q, R> call) {
    Descriptors.MethodDescriptor method = SERVICE.findMethodByName(name);
    if (method == null
        || !method.getInputType().getFullName().equals(request.getDescriptorForType().getFullName())
        || !method
            .getOutputType()
            .getFullName()
            .equals(response.getDescriptorForType().getFullName())) {
      throw new IllegalStateException("the CloudScheduler service has no method " + name);
    }
    MethodDescriptor<Q, R> descriptor =
        MethodDescriptor.<Q, R>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE.getFullName(), name))
            .setRequestMarshaller(ProtoUtils.marshaller(request))
            .setResponseMarshaller(ProtoUtils.marshaller(response))
            .build();
    service.addMethod(
        descriptor, ServerCalls.asyncUnaryCall((Q r, StreamObserver<R> o) -> answer(o, r, call)));
  }

  private static <Q, R> void answer(StreamObserver<R> observer, Q request, Function<Q, R> call) {
    R result;
    try {
      result = call.apply(request);
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    } catch (RuntimeException e) {
      LOG.error("unexpected failure", e);
      observer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }
}
