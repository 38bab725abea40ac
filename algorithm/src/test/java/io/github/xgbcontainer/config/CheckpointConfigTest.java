package io.github.xgbcontainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointConfigTest {

  @TempDir Path dir;

  @Test
  void load_withoutLocalPath_usesTheBaseFoldersCheckpoints() throws IOException {
    Path file = dir.resolve("checkpointconfig.json");
    Path fallback = dir.resolve("opt_ml/checkpoints");
    Files.writeString(file, "{}");
    assertEquals(new CheckpointConfig(fallback, null), CheckpointConfig.load(file, fallback).orElseThrow());
    Files.writeString(file, "{\"LocalPath\": \"/tmp/ckpt\", \"S3Uri\": \"s3://b/k\"}");
    assertEquals(new CheckpointConfig(Path.of("/tmp/ckpt"), "s3://b/k"), CheckpointConfig.load(file, fallback).orElseThrow());
    assertTrue(CheckpointConfig.load(dir.resolve("absent.json"), fallback).isEmpty());
  }
}
