/**
 * Jazzer fuzz tests for every parser. Under plain JUnit they replay the committed inputs in
 * {@code src/test/resources/io/github/xgbcontainer/fuzz/<Class>Inputs/<method>/} (every input a
 * fuzzing run ever found stays there as a regression test); {@code make fuzz} fuzzes each target
 * for a few seconds with {@code JAZZER_FUZZ=1}. The only outcomes allowed are rows or a user error.
 */
package io.github.xgbcontainer.fuzz;
