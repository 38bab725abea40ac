/**
 * Command-line entry points ({@code train}); the one place that catches every error, writes the failure file and picks the exit code.
 */
package io.github.xgbcontainer.cli;
