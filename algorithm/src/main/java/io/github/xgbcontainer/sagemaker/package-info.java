/**
 * The SageMaker training contract: where the platform puts configuration and data under {@code /opt/ml}, and where results go. File names and environment variables live here and nowhere else.
 */
package io.github.xgbcontainer.sagemaker;
