package io.github.xgbcontainer.cli;

import io.github.xgbcontainer.output.Versions;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the image's version, the XGBoost version it trains with, and the Java it runs on. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {
        "xgboost-container " + Versions.image(),
        "XGBoost " + Versions.xgboost() + " (xgboost4j)",
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
