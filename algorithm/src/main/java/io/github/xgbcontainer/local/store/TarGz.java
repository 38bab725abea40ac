package io.github.xgbcontainer.local.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a folder as {@code .tar.gz} (POSIX ustar), the format of SageMaker's {@code model.tar.gz}
 * and {@code output.tar.gz}: entries relative to the folder, files and folders only.
 */
public final class TarGz {

  private static final int BLOCK = 512;

  private TarGz() {}

  public static void write(Path folder, Path archive) throws IOException {
    try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(archive)), 1 << 16);
         Stream<Path> walk = Files.walk(folder)) {
      List<Path> entries = walk.filter(p -> !p.equals(folder)).sorted().toList();
      for (Path p : entries) {
        String name = folder.relativize(p).toString().replace('\\', '/');
        boolean dir = Files.isDirectory(p);
        if (!dir && !Files.isRegularFile(p)) {
          continue; // FIFOs and sockets are not model files
        }
        long size = dir ? 0 : Files.size(p);
        out.write(header(dir ? name + "/" : name, size, dir, Files.getLastModifiedTime(p).toMillis() / 1000));
        if (!dir) {
          long copied = Files.copy(p, out);
          int pad = (int) ((BLOCK - copied % BLOCK) % BLOCK);
          out.write(new byte[pad]);
        }
      }
      out.write(new byte[2 * BLOCK]);
    }
  }

  private static byte[] header(String name, long size, boolean dir, long mtime) throws IOException {
    byte[] h = new byte[BLOCK];
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= 100) {
      System.arraycopy(bytes, 0, h, 0, bytes.length);
    } else {
      int split = name.lastIndexOf('/', name.length() - 2);
      byte[] prefix = split < 0 ? bytes : name.substring(0, split).getBytes(StandardCharsets.UTF_8);
      byte[] rest = split < 0 ? bytes : name.substring(split + 1).getBytes(StandardCharsets.UTF_8);
      if (split < 0 || prefix.length > 155 || rest.length > 100) {
        throw new IOException("path too long for a tar entry: " + name);
      }
      System.arraycopy(rest, 0, h, 0, rest.length);
      System.arraycopy(prefix, 0, h, 345, prefix.length);
    }
    octal(h, 100, 8, dir ? 0755 : 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    h[156] = (byte) (dir ? '5' : '0');
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    return h;
  }

  private static void octal(byte[] h, int offset, int length, long value) throws IOException {
    String s = Long.toOctalString(value);
    if (s.length() > length - 1) {
      throw new IOException("value too large for a tar header: " + value);
    }
    s = "0".repeat(length - 1 - s.length()) + s;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, offset, length - 1);
    h[offset + length - 1] = 0;
  }
}
