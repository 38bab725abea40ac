package io.github.xgbcontainer.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This image's version and the XGBoost version it trains with, from {@code version.properties}, which
 * the build fills in from the POM: one source for {@code --version} and the report.
 */
public final class Versions {

  static final String RESOURCE = "version.properties";

  private static final Properties VALUES = load();

  private Versions() {}

  /** This image's version, e.g. {@code 1.0.0-SNAPSHOT}. */
  public static String image() {
    return VALUES.getProperty("image");
  }

  /** The XGBoost version of the xgboost4j the image was built with, e.g. {@code 3.4.0}. */
  public static String xgboost() {
    return VALUES.getProperty("xgboost");
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path: the build filters it in");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
