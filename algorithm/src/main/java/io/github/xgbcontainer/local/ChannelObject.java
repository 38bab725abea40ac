package io.github.xgbcontainer.local;

/**
 * An object of a channel and the name it gets under the channel's folder.
 *
 * @param uri where it is
 * @param size bytes
 * @param localName path relative to {@code /opt/ml/input/data/<channel>/}
 */
public record ChannelObject(StoreUri uri, long size, String localName) {}
