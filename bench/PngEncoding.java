import io.github.xgbcontainer.report.PngEncoder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * One PNG encoder on a job's chart, in a JVM of its own: the report's charts are written once per
 * job, right after the last round, so the first encode (class loading, interpreted code, the JIT)
 * is the figure that counts; the median of the next 20 is the warm one. The image is drawn here as
 * the report's charts are (900 pixels wide, RGB, antialiased lines and text on white, a grid), so
 * that no encoder has run in this JVM before the timed one.
 * Run by bench/png-encoding.sh, which alternates the encoders.
 * Usage: java -cp ... bench/PngEncoding.java imageio|ours
 */
public class PngEncoding {

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    boolean ours = args[0].equals("ours");
    BufferedImage image = chart();
    long[] nanos = new long[21];
    byte[] png = null;
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      png = ours ? PngEncoder.encode(image) : imageIo(image);
      nanos[i] = System.nanoTime() - start;
    }
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((back.getRGB(x, y) & 0xFFFFFF) != (image.getRGB(x, y) & 0xFFFFFF)) {
          throw new AssertionError(args[0] + ": pixel " + x + "," + y + " differs after decoding");
        }
      }
    }
    long[] warm = Arrays.copyOfRange(nanos, 1, nanos.length);
    Arrays.sort(warm);
    System.out.printf("%s\t%d x %d\t%.1f ms first\t%.1f ms warm (median of 20)\t%d bytes%n", args[0],
        image.getWidth(), image.getHeight(), nanos[0] / 1e6, warm[warm.length / 2] / 1e6, png.length);
  }

  /** Two learning curves over a grid, with labels, as ChartRenderer draws a 100-round job's. */
  private static BufferedImage chart() {
    BufferedImage image = new BufferedImage(900, 380, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 900, 380);
    g.setColor(new Color(0xDDDDDD));
    for (int x = 60; x < 880; x += 41) {
      g.drawLine(x, 30, x, 330);
    }
    for (int y = 30; y <= 330; y += 30) {
      g.drawLine(60, y, 880, y);
    }
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i <= 10; i++) {
      g.drawString(String.format("%.2f", 0.9 - i * 0.07), 20, 34 + i * 30);
      g.drawString(Integer.toString(i * 10), 56 + i * 82, 345);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString("Learning curve", 390, 20);
    g.setStroke(new BasicStroke(2f));
    Color[] colours = {new Color(0x1F77B4), new Color(0xFF7F0E)};
    for (int s = 0; s < 2; s++) {
      Path2D.Double line = new Path2D.Double();
      for (int i = 0; i < 100; i++) {
        double loss = 0.69 * Math.exp(-i / (40.0 + 10 * s)) + 0.2 + 0.05 * s;
        double x = 60 + i * 8.2;
        double y = 30 + (0.9 - loss) / 0.7 * 300;
        if (i == 0) {
          line.moveTo(x, y);
        } else {
          line.lineTo(x, y);
        }
      }
      g.setColor(colours[s]);
      g.draw(line);
    }
    g.dispose();
    return image;
  }

  private static byte[] imageIo(BufferedImage image) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
