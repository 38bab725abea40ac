/**
 * Object stores for local jobs: S3 through the AWS SDK v2 (the only package with SDK types) and
 * {@code file://} folders behind one small interface, each object checked for its listed size and
 * checksum as it arrives; {@code .tar.gz} archives of the outputs; checkpoint folders synced with a
 * store while the hosts run. Depends on {@code error} only.
 */
package io.github.xgbcontainer.local.store;
