import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * Writes the benchmark's training CSV: a binary label first, then numeric features.
 *
 * <p>Deterministic for given arguments (one seeded generator, one thread). The label depends on a
 * few features (linear terms, an interaction, a threshold and a sine) plus logistic noise, so trees
 * have something to learn and the train logloss falls well below 0.69. Values are written with five
 * decimals by hand: {@code Double.toString} would take most of the run time at a million rows.
 *
 * <p>Usage: {@code java -cp <classes> GenerateCsv <rows> <features> <seed> <out.csv>}
 */
public final class GenerateCsv {

    private final byte[] buf = new byte[1 << 20];
    private int pos;
    private final OutputStream out;

    private GenerateCsv(OutputStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: GenerateCsv <rows> <features> <seed> <out.csv>");
            System.exit(2);
        }
        long rows = Long.parseLong(args[0]);
        int features = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        if (features < 6) {
            throw new IllegalArgumentException("features must be at least 6 (the label uses x0..x5), got " + features);
        }
        try (OutputStream file = new BufferedOutputStream(new FileOutputStream(args[3]), 1 << 16)) {
            new GenerateCsv(file).write(rows, features, seed);
        }
    }

    private void write(long rows, int features, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[features];
        for (long r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                // Even columns normal, odd columns uniform on [-2, 2): two shapes of split points.
                x[j] = (j % 2 == 0) ? random.nextGaussian() : 4.0 * random.nextDouble() - 2.0;
            }
            double z = 1.2 * x[0] - 0.9 * x[1] + 0.8 * x[2] * x[3]
                    + (x[4] > 0.5 ? 1.0 : -0.4) + 0.7 * Math.sin(2.0 * x[5]);
            double u = random.nextDouble();
            double noise = Math.log(u / (1.0 - u)); // standard logistic
            put(z + noise > 0 ? (byte) '1' : (byte) '0');
            for (int j = 0; j < features; j++) {
                put((byte) ',');
                putFixed5(x[j]);
            }
            put((byte) '\n');
        }
        flush();
    }

    private void putFixed5(double v) throws IOException {
        long scaled = Math.round(v * 100_000.0);
        if (scaled < 0) {
            put((byte) '-');
            scaled = -scaled;
        }
        long whole = scaled / 100_000;
        int frac = (int) (scaled % 100_000);
        putLong(whole);
        put((byte) '.');
        for (int div = 10_000; div > 0; div /= 10) {
            put((byte) ('0' + (frac / div) % 10));
        }
    }

    private void putLong(long v) throws IOException {
        if (v >= 10) {
            putLong(v / 10);
        }
        put((byte) ('0' + (int) (v % 10)));
    }

    private void put(byte b) throws IOException {
        if (pos == buf.length) {
            flush();
        }
        buf[pos++] = b;
    }

    private void flush() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }
}
