package io.github.xgbcontainer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, run on a page as a person would open it: a screenshot of the page as
 * it is, and a second load of a copy with a probe script in front that records, once the page has
 * loaded, how many images it has, how many did not decode, and every error event (script errors and
 * resources that failed to load).
 */
final class Browser {

  /** The page's load, as the probe saw it. */
  record Load(int images, int brokenImages, String errors, String dom) {}

  private static final String PROBE = "<script>\n"
      + "window.__errors = [];\n"
      + "window.addEventListener('error', function (e) {\n"
      + "  window.__errors.push(e.target && e.target !== window ? 'failed to load ' + (e.target.src || e.target.href)\n"
      + "      : String(e.message));\n"
      + "}, true);\n"
      + "window.addEventListener('load', function () {\n"
      + "  var broken = [].filter.call(document.images, function (i) { return !i.complete || i.naturalWidth === 0; });\n"
      + "  document.documentElement.setAttribute('data-images', document.images.length);\n"
      + "  document.documentElement.setAttribute('data-broken-images', broken.length);\n"
      + "  document.documentElement.setAttribute('data-errors', window.__errors.join(' | '));\n"
      + "});\n"
      + "</script>\n";

  private final Path executable;

  private Browser(Path executable) {
    this.executable = executable;
  }

  /** Chromium from the PATH ({@code chromium}, Debian's package), if installed. */
  static Optional<Browser> find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chromium");
      if (Files.isExecutable(candidate)) {
        return Optional.of(new Browser(candidate));
      }
    }
    return Optional.empty();
  }

  /** Loads the page with the probe in front of everything else it holds. */
  Load load(Path page) throws IOException, InterruptedException {
    String html = Files.readString(page, StandardCharsets.UTF_8);
    int head = html.indexOf("<head>");
    if (head < 0) {
      throw new AssertionError(page + " has no <head>");
    }
    Path probed = page.resolveSibling(".probed-" + page.getFileName());
    Files.writeString(probed, html.substring(0, head + 6) + "\n" + PROBE + html.substring(head + 6));
    try {
      String dom = run(List.of("--virtual-time-budget=10000", "--dump-dom", probed.toUri().toString()));
      return new Load(attribute(dom, "data-images"), attribute(dom, "data-broken-images"), text(dom, "data-errors"), dom);
    } finally {
      Files.deleteIfExists(probed);
    }
  }

  /** A screenshot of the page, {@code width} CSS pixels wide and {@code height} high, at {@code scale}. */
  void screenshot(Path page, Path png, int width, int height, double scale) throws IOException, InterruptedException {
    Files.createDirectories(png.getParent());
    run(List.of("--window-size=" + width + "," + height, "--force-device-scale-factor=" + scale, "--hide-scrollbars",
        "--screenshot=" + png.toAbsolutePath(), page.toUri().toString()));
    if (!Files.isRegularFile(png)) {
      throw new AssertionError("chromium wrote no screenshot to " + png);
    }
  }

  private String run(List<String> arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--disable-gpu",
        // root in a container has no user namespace for the sandbox
        "--no-sandbox", "--no-first-run", "--disable-extensions"));
    command.addAll(arguments);
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish within 2 minutes: " + Files.readString(err));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(err));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static int attribute(String dom, String name) {
    String value = text(dom, name);
    if (value == null) {
      throw new AssertionError("the page never finished loading: no " + name + " on <html>\n"
          + dom.substring(0, Math.min(400, dom.length())));
    }
    return Integer.parseInt(value);
  }

  private static String text(String dom, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
    return m.find() ? m.group(1) : null;
  }
}
