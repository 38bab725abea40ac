package io.github.xgbcontainer.config;

import io.github.xgbcontainer.error.UserError;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The content types a channel may declare in {@code inputdataconfig.json}, with the aliases
 * SageMaker users write. Parameters after {@code ;} are read where they matter
 * ({@code label_size}) and otherwise ignored ({@code charset}).
 */
public enum ContentType {
  CSV("text/csv", List.of("text/csv", "csv")),
  LIBSVM("text/libsvm", List.of("text/libsvm", "libsvm", "text/x-libsvm", "application/x-libsvm")),
  /** Apache Parquet files: label in the first column, numeric feature columns after it. */
  PARQUET("application/x-parquet", List.of("application/x-parquet", "parquet")),
  /** SageMaker's {@code Record} protobuf in RecordIO framing. */
  RECORDIO_PROTOBUF("application/x-recordio-protobuf",
      List.of("application/x-recordio-protobuf", "recordio-protobuf"));

  private final String mimeType;
  private final List<String> aliases;

  ContentType(String mimeType, List<String> aliases) {
    this.mimeType = mimeType;
    this.aliases = aliases;
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
    for (ContentType type : values()) {
      if (type.aliases.contains(base)) {
        return type;
      }
    }
    throw new UserError("channel '" + channel + "': ContentType '" + raw
        + "' is not supported; use one of " + supported());
  }

  /** Every accepted spelling, for error messages. */
  public static String supported() {
    return Arrays.stream(values())
        .flatMap(t -> t.aliases.stream())
        .collect(Collectors.joining(", "));
  }
}
