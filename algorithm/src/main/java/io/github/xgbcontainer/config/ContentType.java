package io.github.xgbcontainer.config;

import io.github.xgbcontainer.error.UserError;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The one table of content types: what a training channel may declare in
 * {@code inputdataconfig.json}, what {@code serve} reads as a request body and what it answers in,
 * with the aliases SageMaker users write. Parameters after {@code ;} are read where they matter
 * ({@code label_size}) and otherwise ignored ({@code charset}).
 */
public enum ContentType {
  CSV("text/csv", List.of("text/csv", "csv"), true, true, true),
  LIBSVM("text/libsvm", List.of("text/libsvm", "libsvm", "text/x-libsvm", "application/x-libsvm"), true, true, false),
  /** Apache Parquet files: label in the first column, numeric feature columns after it. */
  PARQUET("application/x-parquet", List.of("application/x-parquet", "parquet"), true, false, false),
  /** SageMaker's {@code Record} protobuf in RecordIO framing. */
  RECORDIO_PROTOBUF("application/x-recordio-protobuf",
      List.of("application/x-recordio-protobuf", "recordio-protobuf"), true, true, true),
  /** Inference only: {@code {"instances": [...]}}, a list of rows or one row; {@code {"predictions": [...]}} back. */
  JSON("application/json", List.of("application/json"), false, true, true),
  /** Inference only: one row (or one answer) per line. */
  JSON_LINES("application/jsonlines",
      List.of("application/jsonlines", "application/jsonl", "application/x-jsonlines"), false, true, true);

  private final String mimeType;
  private final List<String> aliases;
  private final boolean channel;
  private final boolean request;
  private final boolean response;

  ContentType(String mimeType, List<String> aliases, boolean channel, boolean request, boolean response) {
    this.mimeType = mimeType;
    this.aliases = aliases;
    this.channel = channel;
    this.request = request;
    this.response = response;
  }

  /** The canonical MIME type. */
  public String mimeType() {
    return mimeType;
  }

  /** Whether rows are lines of text (CSV, LibSVM) rather than binary records. */
  public boolean isText() {
    return this == CSV || this == LIBSVM;
  }

  /**
   * Reads a channel's {@code ContentType}. A missing one means LibSVM, as in the official image.
   *
   * @throws UserError naming the channel and listing what is supported
   */
  public static ContentType parse(String channel, String raw) {
    if (raw == null || raw.isBlank()) {
      return LIBSVM;
    }
    String[] parts = raw.split(";");
    String base = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      String key = kv[0].trim().toLowerCase(Locale.ROOT);
      String value = kv.length > 1 ? kv[1].trim() : "";
      if (key.equals("label_size") && !value.equals("1")) {
        throw new UserError("channel '" + channel + "': ContentType '" + raw
            + "' has label_size=" + value + "; only label_size=1 (one label column) is supported");
      }
    }
    ContentType type = find(base, t -> t.channel);
    if (type == null) {
      throw new UserError("channel '" + channel + "': ContentType '" + raw
          + "' is not supported; use one of " + supported());
    }
    return type;
  }

  /** Every spelling a channel may declare, for error messages. */
  public static String supported() {
    return names(t -> t.channel);
  }

  /**
   * The type of an inference request's {@code Content-Type} header; parameters such as
   * {@code charset} are ignored, and a missing header means CSV, as in the official image.
   *
   * @return the type, or {@code null} when {@code serve} does not read it
   */
  public static ContentType ofRequest(String header) {
    String mime = mediaType(header);
    return mime.isEmpty() ? CSV : find(mime, t -> t.request);
  }

  /** Every spelling a request body may have, for the 415 message. */
  public static String supportedRequests() {
    return names(t -> t.request);
  }

  /**
   * The type a response is written in for one media type of an {@code Accept} header (parameters
   * ignored).
   *
   * @return the type, or {@code null} when {@code serve} does not answer in it
   */
  public static ContentType ofResponse(String mediaType) {
    return find(mediaType(mediaType), t -> t.response);
  }

  /** The canonical names of the response types, for the 406 message. */
  public static String supportedResponses() {
    return Arrays.stream(values()).filter(t -> t.response).map(ContentType::mimeType)
        .collect(Collectors.joining(", "));
  }

  /** The media type of a header value, lower case, without parameters. */
  public static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  private static ContentType find(String base, Predicate<ContentType> where) {
    for (ContentType type : values()) {
      if (where.test(type) && type.aliases.contains(base)) {
        return type;
      }
    }
    return null;
  }

  private static String names(Predicate<ContentType> where) {
    return Arrays.stream(values()).filter(where).flatMap(t -> t.aliases.stream())
        .collect(Collectors.joining(", "));
  }
}
