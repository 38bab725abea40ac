/**
 * The hosts of a local job: each host's {@code /opt/ml} tree and config files (written through the
 * {@code config} records {@code train} reads them with), and how hosts start: as child JVMs or as
 * containers. Depends on {@code local.store} (the checkpoint URI), {@code local.plan},
 * {@code config}, {@code sagemaker} and {@code error}.
 */
package io.github.xgbcontainer.local.host;
