package io.github.xgbcontainer.checkpoint;

import java.util.Map;

/**
 * One checkpoint as read back.
 *
 * @param rounds how many boosting rounds the model holds
 * @param model the booster, UBJSON
 * @param state the trainer's state at that point (JSON-compatible values)
 */
public record Checkpoint(int rounds, byte[] model, Map<String, Object> state) {}
