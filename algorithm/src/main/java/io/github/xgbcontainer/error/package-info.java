/**
 * The three kinds of failure (user, platform, algorithm) under one base type; the top-level catch in {@code cli} turns them into a failure file and an exit code.
 */
package io.github.xgbcontainer.error;
