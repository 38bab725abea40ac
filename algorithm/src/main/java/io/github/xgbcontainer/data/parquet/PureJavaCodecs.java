package io.github.xgbcontainer.data.parquet;

import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page decompression without Hadoop: parquet-java's own codec factory goes through Hadoop's
 * {@code CompressionCodec} classes, which would put Hadoop on the class path. Snappy, Zstandard and
 * LZ4 (raw) use aircompressor's pure-Java codecs, gzip the JDK's; reading only, no compressors.
 */
final class PureJavaCodecs implements CompressionCodecFactory {

  private final String where;
  /** Decompressed pages, shared by every column's decompressor and overwritten page by page. */
  private byte[] output = new byte[0];

  /** @param where the channel and file, for the message when a codec is not supported */
  PureJavaCodecs(String where) {
    this.where = where;
  }

  /**
   * The page-output buffer, at least {@code size} bytes. A page decompressed into it is valid until
   * the next page is decompressed: parquet-java's column reader moves to the next page only when
   * the current one is used up, and decodes a dictionary page into its own arrays at once. The
   * reader reads one column at a time, so one buffer serves all columns.
   */
  private byte[] output(int size) {
    if (output.length < size) {
      output = new byte[size];
    }
    return output;
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Pages(null, false);
      case SNAPPY -> new Pages(new SnappyDecompressor(), false);
      case ZSTD -> new Pages(new ZstdDecompressor(), false);
      case LZ4_RAW -> new Pages(new Lz4Decompressor(), false);
      case GZIP -> new Pages(null, true);
      default -> throw new UserError(where + ": Parquet compression " + codec + " is not supported; "
          + "perhaps you should write the file with SNAPPY, ZSTD, GZIP, LZ4_RAW or no compression");
    };
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    throw new UnsupportedOperationException("this container only reads Parquet");
  }

  @Override
  public void release() {}

  private final class Pages implements BytesInputDecompressor {

    private final Decompressor codec;
    private final boolean gzip;

    Pages(Decompressor codec, boolean gzip) {
      this.codec = codec;
      this.gzip = gzip;
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      if (codec == null && !gzip) {
        return bytes;
      }
      // the page's own array where it has one, and the shared output: no allocation a page
      ByteBuffer page = bytes.toByteBuffer();
      byte[] in;
      int from;
      int length = page.remaining();
      if (page.hasArray()) {
        in = page.array();
        from = page.arrayOffset() + page.position();
      } else {
        in = bytes.toByteArray();
        from = 0;
      }
      byte[] out = output(uncompressedSize);
      int n;
      if (gzip) {
        try (InputStream z = new GZIPInputStream(new java.io.ByteArrayInputStream(in, from, length))) {
          n = z.readNBytes(out, 0, uncompressedSize);
        }
      } else {
        try {
          n = codec.decompress(in, from, length, out, 0, uncompressedSize);
        } catch (RuntimeException e) {
          throw new IOException("corrupt compressed page: " + e.getMessage(), e);
        }
      }
      if (n != uncompressedSize) {
        throw new IOException("a page decompressed to " + n + " bytes, its header says " + uncompressedSize);
      }
      return BytesInput.from(out, 0, uncompressedSize);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.get(in);
      BytesInput result = decompress(BytesInput.from(in), uncompressedSize);
      output.put(result.toByteArray());
    }

    @Override
    public void release() {}
  }
}
