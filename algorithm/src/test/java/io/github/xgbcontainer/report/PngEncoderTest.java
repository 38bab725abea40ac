package io.github.xgbcontainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

  @Test
  void everyPixel_decodesByImageIo_asItWasDrawn_forRandomAndFlatImages() throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    BufferedImage noise = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < noise.getHeight(); y++) {
      for (int x = 0; x < noise.getWidth(); x++) {
        noise.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    assertSamePixels(noise, ChartRendererTest.decode(PngEncoder.encode(noise)));

    BufferedImage chart = new BufferedImage(900, 120, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = chart.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 900, 120);
    g.setColor(new Color(0x1F77B4));
    g.drawLine(0, 119, 899, 0);
    g.dispose();
    assertSamePixels(chart, ChartRendererTest.decode(PngEncoder.encode(chart)));
  }

  @Test
  void imagesOfOtherTypes_andSubimages_areReadThroughTheirColours_alphaDropped() throws IOException {
    BufferedImage argb = new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB);
    BufferedImage bgr = new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        argb.setRGB(x, y, 0x80000000 | (x * 50) << 16 | (y * 60) << 8 | 7);
        bgr.setRGB(x, y, (y * 60) << 16 | (x * 50) << 8 | 9);
      }
    }
    assertSamePixels(argb, ChartRendererTest.decode(PngEncoder.encode(argb)));
    assertSamePixels(bgr, ChartRendererTest.decode(PngEncoder.encode(bgr)));

    BufferedImage whole = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 100; i++) {
      whole.setRGB(i % 10, i / 10, i * 0x020301);
    }
    BufferedImage part = whole.getSubimage(3, 2, 4, 5);
    assertSamePixels(part, ChartRendererTest.decode(PngEncoder.encode(part)));
  }

  @Test
  void header_isAnEightBitRgbImageOfTheImagesSize_andEveryChunkCarriesItsCrc() {
    byte[] png = PngEncoder.encode(new BufferedImage(300, 7, BufferedImage.TYPE_INT_RGB));
    ByteBuffer in = ByteBuffer.wrap(png);
    in.position(8);
    StringBuilder chunks = new StringBuilder();
    while (in.hasRemaining()) {
      int length = in.getInt();
      byte[] typeAndData = new byte[4 + length];
      in.get(typeAndData);
      CRC32 crc = new CRC32();
      crc.update(typeAndData);
      String type = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
      assertEquals((int) crc.getValue(), in.getInt(), "CRC of " + type);
      chunks.append(type).append(' ');
      if (type.equals("IHDR")) {
        ByteBuffer header = ByteBuffer.wrap(typeAndData, 4, length);
        assertEquals(300, header.getInt());
        assertEquals(7, header.getInt());
        assertEquals(8, header.get());
        assertEquals(2, header.get());
      }
    }
    assertEquals("IHDR IDAT IEND ", chunks.toString());
  }

  private static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
    assertEquals(expected.getWidth(), actual.getWidth());
    assertEquals(expected.getHeight(), actual.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertEquals(expected.getRGB(x, y) & 0xFFFFFF, actual.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
      }
    }
  }
}
