package io.github.xgbcontainer.hyperparameters;

/**
 * A value that does not parse, with the message fragment that says why ({@code 'abc' is not an
 * integer}). The validator adds the key; nothing outside this package sees it.
 */
final class InvalidValue extends Exception {

  InvalidValue(String fragment) {
    super(fragment, null, false, false);
  }
}
