package io.github.xgbcontainer.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Large CSV channels for the tests that train in a child JVM under memory limits: written row by
 * row (gigabytes never sit in the test's heap), 7 bytes a cell, and with a label a model can learn,
 * so that metric lines of two ways of training are worth comparing.
 */
final class SyntheticCsv {

  private SyntheticCsv() {}

  /**
   * Writes {@code rows} lines of a 0/1 label and {@code features} (at least 3) four-digit decimals in
   * [0, 1): {@code 1,0.1234,0.5678,...}. The label is 1 where the first three features, with Gaussian
   * noise, score above a threshold.
   */
  static void write(Path file, int rows, int features, long seed) throws IOException {
    Files.createDirectories(file.getParent());
    Random random = new Random(seed);
    char[] cell = {',', '0', '.', '0', '0', '0', '0'};
    StringBuilder line = new StringBuilder(features * cell.length + 2);
    int[] x = new int[3];
    try (Writer out = Files.newBufferedWriter(file)) {
      for (int r = 0; r < rows; r++) {
        line.setLength(0);
        line.append('0'); // the label, set below
        for (int c = 0; c < features; c++) {
          int v = random.nextInt(10_000);
          if (c < 3) {
            x[c] = v;
          }
          cell[3] = (char) ('0' + v / 1000);
          cell[4] = (char) ('0' + v / 100 % 10);
          cell[5] = (char) ('0' + v / 10 % 10);
          cell[6] = (char) ('0' + v % 10);
          line.append(cell);
        }
        double score = x[0] + 0.5 * x[1] - x[2] + random.nextGaussian() * 2000;
        line.setCharAt(0, score > 2500 ? '1' : '0');
        out.write(line.append('\n').toString());
      }
    }
  }
}
