package io.github.xgbcontainer.local.store;

/**
 * One object found under a prefix or named by a manifest.
 *
 * @param uri where it is
 * @param size its length in bytes
 */
public record StoredObject(StoreUri uri, long size) {}
