package dev.simrun.api.datasets;

import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.api.identity.Caller;
import dev.simrun.api.limits.LimitMetrics;
import dev.simrun.api.limits.OwnerSlots;
import dev.simrun.api.problems.ApiProblems;
import dev.simrun.kinds.FieldError;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.shared.datasets.DatasetStore;
import dev.simrun.shared.datasets.DatasetView;
import dev.simrun.shared.datasets.OhlcvCsv;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Part;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.multipart.CompletedFileUpload;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * OHLCV datasets for backtests: upload a CSV ({@code text/csv}, or a {@code file} part of {@code
 * multipart/form-data}), list the caller's, read one, delete one. An upload is checked whole before
 * anything is stored: a bad one gets 422 naming each bad line, and leaves nothing behind. Each
 * owner has one upload in flight at a time per instance ({@code max-uploads-per-owner}) and keeps
 * at most a quota of datasets; another owner's dataset is not found, on every route.
 */
@ProblemAnswers
@Tag(name = "Datasets")
@Controller("/api/v1/datasets")
@ExecuteOn(TaskExecutors.BLOCKING)
class DatasetsController {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final Duration RETRY_UPLOAD = Duration.ofSeconds(5);

  private final DatasetStore store;
  private final DatasetsConfig config;

  /**
   * Uploads being parsed here: each holds its bars in memory (about 48 bytes a bar) until stored.
   */
  private final Semaphore parsing;

  /** Uploads in flight per owner, taken before the body is read. */
  private final OwnerSlots inFlight;

  private final LimitMetrics limits;

  DatasetsController(DatasetStore store, DatasetsConfig config, LimitMetrics limits) {
    this.limits = limits;
    this.store = store;
    this.config = config;
    this.parsing = new Semaphore(config.maxConcurrentUploads());
    this.inFlight = new OwnerSlots(config.maxUploadsPerOwner());
  }

  /**
   * The CSV as the body, read as it arrives. A body declaring more than the limit never gets here
   * ({@code BodyLimitFilter}); one of unknown length is counted as it is read.
   */
  @Post
  @Consumes("text/csv")
  HttpResponse<DatasetResponse> upload(
      @Parameter(hidden = true) Caller caller,
      @QueryValue @Nullable String name,
      @Body @Nullable InputStream body) {
    // Closed on every way out, refusals before reading included: an unread body left open holds
    // the connection, which then reads no further, and a client still sending it waits for ever.
    try (LimitedUpload csv =
        new LimitedUpload(
            body == null ? InputStream.nullInputStream() : body, config.maxUploadBytes())) {
      return store(caller, name(name, "dataset"), csv, csv::bytesRead);
    } catch (IOException | UncheckedIOException e) {
      throw tooLargeOr(e);
    }
  }

  /**
   * A body past the transport limit fails the stream it is read from with an {@link IOException};
   * what the caller must hear is that it is too large.
   */
  private static RuntimeException tooLargeOr(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ContentLengthExceededException tooLarge) {
        return tooLarge;
      }
    }
    return e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
  }

  @Post
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  HttpResponse<DatasetResponse> uploadForm(
      @Parameter(hidden = true) Caller caller,
      @Part("file") CompletedFileUpload file,
      @Part("name") @Nullable String name) {
    String fallback = file.getFilename() == null ? "dataset" : stem(file.getFilename());
    // An empty part's stream answers a read with no bytes instead of the end: read none at all.
    try (InputStream in =
        file.getSize() == 0 ? InputStream.nullInputStream() : file.getInputStream()) {
      return store(caller, name(name, fallback), in, file::getSize);
    } catch (IOException | UncheckedIOException e) {
      throw tooLargeOr(e);
    }
  }

  /**
   * Parses the whole CSV, then stores it; {@code bytes} is read once the CSV has been parsed. The
   * owner's upload slot is held until then, whatever the way out (stored, bad CSV, too large, the
   * client gone).
   */
  private HttpResponse<DatasetResponse> store(
      @Parameter(hidden = true) Caller caller, String name, InputStream csv, LongSupplier bytes) {
    OwnerSlots.Slot slot = inFlight.tryTake(caller.owner()).orElseThrow(this::tooManyOfOwner);
    try {
      // A caller who keeps all the quota allows hears so before sending megabytes for nothing.
      store.requireRoom(caller.owner(), config.quota());
      return parseOnce(caller, name, csv, bytes);
    } finally {
      slot.close();
    }
  }

  private ProblemException tooManyOfOwner() {
    limits.refused(LimitMetrics.UPLOADS_PER_OWNER);
    return ProblemException.retryLater(
        ProblemTypes.OVER_LIMIT,
        "you have "
            + config.maxUploadsPerOwner()
            + " uploads in flight, the most one caller may have at once; nothing was stored, send"
            + " this one when the other has finished",
        RETRY_UPLOAD);
  }

  private HttpResponse<DatasetResponse> parseOnce(
      @Parameter(hidden = true) Caller caller, String name, InputStream csv, LongSupplier bytes) {
    if (!parsing.tryAcquire()) {
      throw ProblemException.retryLater(
          ProblemTypes.OVER_LIMIT,
          "this instance is parsing "
              + config.maxConcurrentUploads()
              + " uploads already; nothing was stored, send it again shortly",
          RETRY_UPLOAD);
    }
    try {
      return parseAndStore(caller, name, csv, bytes);
    } finally {
      parsing.release();
    }
  }

  private HttpResponse<DatasetResponse> parseAndStore(
      @Parameter(hidden = true) Caller caller, String name, InputStream csv, LongSupplier bytes) {
    DatasetView stored =
        switch (OhlcvCsv.parse(csv, config.maxRows())) {
          case OhlcvCsv.Invalid invalid ->
              throw new ProblemException(
                  ProblemTypes.VALIDATION,
                  "the CSV has "
                      + (invalid.errors().size() >= OhlcvCsv.MAX_ERRORS
                          ? "at least " + OhlcvCsv.MAX_ERRORS
                          : invalid.errors().size())
                      + " problems; nothing was stored",
                  invalid.errors());
          case OhlcvCsv.Ok ok ->
              store.create(caller.owner(), name, ok.bars(), bytes.getAsLong(), config.quota());
        };
    return HttpResponse.created(DatasetResponse.of(stored))
        .header(HttpHeaders.LOCATION, "/api/v1/datasets/" + stored.id());
  }

  /** Newest first; a cursor no page handed out is a 400 naming it. */
  @Get
  DatasetResponse.Page list(
      @Parameter(hidden = true) Caller caller,
      @QueryValue(defaultValue = "20") @Min(1) @Max(100) int limit,
      @QueryValue @Nullable String cursor) {
    DatasetStore.Page page = store.list(caller.owner(), limit, cursor);
    return new DatasetResponse.Page(
        page.items().stream().map(DatasetResponse::of).toList(), page.nextCursor());
  }

  @Get("/{id}")
  DatasetResponse get(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    return store.find(caller.owner(), id).map(DatasetResponse::of).orElseThrow(() -> notFound(id));
  }

  /**
   * Deletes one of the caller's datasets: 204. Another owner's is not found, exactly as an id that
   * names none; one that a simulation which has not finished reads is 409, and stays. Simulations
   * that have finished keep their results.
   */
  @Delete("/{id}")
  HttpResponse<Void> delete(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    return switch (store.delete(caller.owner(), id)) {
      case DatasetStore.Deleted deleted -> HttpResponse.noContent();
      case DatasetStore.NotFound notFound -> throw notFound(id);
      case DatasetStore.InUse inUse ->
          throw new ProblemException(
              ApiProblems.DATASET_IN_USE,
              "simulations that have not finished read this dataset ("
                  + String.join(", ", inUse.simulations().stream().map(UUID::toString).toList())
                  + "); delete it once they have ended, or cancel them");
    };
  }

  private static ProblemException notFound(UUID id) {
    return new ProblemException(ProblemTypes.NOT_FOUND, "no dataset " + id);
  }

  private static String name(@Nullable String name, String fallback) {
    String chosen = name == null ? fallback : name;
    if (!NAME.matcher(chosen).matches()) {
      throw new ProblemException(
          ProblemTypes.VALIDATION,
          "the dataset's name is invalid",
          List.of(new FieldError("name", "must be 1 to 64 letters, digits, '.', '_' or '-'")));
    }
    return chosen;
  }

  private static String stem(String filename) {
    String base = filename.replaceAll(".*[/\\\\]", "");
    int dot = base.lastIndexOf('.');
    String stem = dot > 0 ? base.substring(0, dot) : base;
    String cleaned = stem.replaceAll("[^A-Za-z0-9._-]", "_");
    return cleaned.isEmpty() ? "dataset" : cleaned.substring(0, Math.min(64, cleaned.length()));
  }
}
